/**
 * Idempotency keys of the API's POSTs: per route and key, the request's fingerprint and the first answer. The
 * only module that names idempotency_keys. A claim inserts the key before the handler runs, so of two concurrent
 * requests with one key exactly one runs; the answer is stored when it is sent.
 */
import type { Pool } from 'pg';

/**
 * Hours a key answers with its first response. At least a day, as the portal's documentation promises: a nightly
 * batch that re-runs after a failure, or a retry queue drained the next morning, still meets its first answers.
 */
export const IDEMPOTENCY_KEEP_HOURS = 48;

/**
 * Seconds after which a claim that never completed (the API crashed mid-request) may be taken over by a repeat of
 * the same request. Well above the API's 30 s request timeout, so a slow first request is never run twice.
 */
export const IDEMPOTENCY_TAKEOVER_SECONDS = 120;

/** Expired keys deleted per claim: bounded work on the request path, far more than keys arrive. */
const EXPIRED_PER_CLAIM = 100;

/** A request under a key. */
export interface KeyedRequest {
  route: string;
  key: string;
  requestSha256: string;
}

/** A stored answer. */
export interface StoredAnswer {
  statusCode: number;
  contentType: string;
  body: string;
}

/**
 * `claimed`: go on, this request is the key's first (or takes over a dead claim). `replay`: answer with the stored
 * first answer. `in-flight`: the first request with this key is still running. `reused`: the key came with another request.
 */
export type ClaimOutcome = { outcome: 'claimed' } | { outcome: 'replay'; answer: StoredAnswer } | { outcome: 'in-flight' } | { outcome: 'reused' };

/** Creates the idempotency key repository on a pool. */
export function createIdempotencyKeyRepository(pool: Pool) {
  return {
    /** Claims the key for this request, or says what it already holds. Deletes a few expired keys first. */
    async claim({ route, key, requestSha256 }: KeyedRequest): Promise<ClaimOutcome> {
      await pool.query(
        `DELETE FROM idempotency_keys WHERE ctid IN (
           SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) ORDER BY created_at LIMIT $2)`,
        [IDEMPOTENCY_KEEP_HOURS, EXPIRED_PER_CLAIM],
      );
      const claimed = await pool.query(
        `INSERT INTO idempotency_keys (route, key, request_sha256) VALUES ($1, $2, $3)
         ON CONFLICT (route, key) DO UPDATE SET created_at = now()
           WHERE idempotency_keys.completed_at IS NULL AND idempotency_keys.request_sha256 = EXCLUDED.request_sha256
             AND idempotency_keys.created_at < now() - make_interval(secs => $4)
         RETURNING 1`,
        [route, key, requestSha256, IDEMPOTENCY_TAKEOVER_SECONDS],
      );
      if (claimed.rowCount === 1) return { outcome: 'claimed' };
      const { rows } = await pool.query<{ request_sha256: string; status_code: number | null; content_type: string | null; body: string | null }>(
        'SELECT request_sha256, status_code, content_type, body FROM idempotency_keys WHERE route = $1 AND key = $2',
        [route, key],
      );
      const row = rows[0];
      if (row && row.request_sha256 !== requestSha256) return { outcome: 'reused' };
      if (!row || row.status_code === null) return { outcome: 'in-flight' };
      return { outcome: 'replay', answer: { statusCode: row.status_code, contentType: row.content_type ?? 'application/json', body: row.body ?? '' } };
    },

    /** Stores the first answer to a claimed key. */
    async complete({ route, key }: Omit<KeyedRequest, 'requestSha256'>, answer: StoredAnswer): Promise<void> {
      await pool.query(
        'UPDATE idempotency_keys SET status_code = $3, content_type = $4, body = $5, completed_at = now() WHERE route = $1 AND key = $2 AND completed_at IS NULL',
        [route, key, answer.statusCode, answer.contentType, answer.body],
      );
    },

    /** Gives a claimed key up without an answer (the request failed on our side): a repeat runs again. */
    async release({ route, key }: Omit<KeyedRequest, 'requestSha256'>): Promise<void> {
      await pool.query('DELETE FROM idempotency_keys WHERE route = $1 AND key = $2 AND completed_at IS NULL', [route, key]);
    },
  };
}

/** The idempotency key repository's methods. */
export type IdempotencyKeyRepository = ReturnType<typeof createIdempotencyKeyRepository>;
