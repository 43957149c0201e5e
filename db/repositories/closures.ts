/**
 * The closure aggregate on PostgreSQL: the closure itself, its department's policy override, its ATR
 * document, the SMS fallback links to that ATR, and the citizen's feedback. The only module that names
 * closures, department_policies, atr_documents, atr_links, feedback and feedback_details. Every write is
 * idempotent, because activities are retried.
 */
import type { Pool } from 'pg';
import type { Closure, FeedbackChannel, FeedbackPolicyOverride, FeedbackReason, Language, Rating } from '../../contracts/closure';
import { PERSONAL_CLOSURE_FIELDS } from '../../contracts/purge';
import type { FeedbackDetailsSignal, FeedbackSignal, Outcome } from '../../contracts/workflow';

/** A rendered ATR as stored. */
export interface StoredAtr {
  atrId: string;
  workflowId: string;
  bytes: Uint8Array;
  sha256: string;
  pageCount: number;
  contentDigest: string;
  sealKeyId: string;
}

/** One of a citizen's closures, as the relay sees it when a message comes without context. */
export interface CitizenClosure {
  workflowId: string;
  grievanceId: string;
  language: Language;
  /** Undefined while the run is live. */
  outcome?: Outcome;
}

/** What verification compares a sealed ATR against. */
export interface SealOnRecord {
  contentDigest: string | null;
  grievanceId: string;
  departmentCode: string;
  districtCode: string;
}

/** The closure behind an ATR link. */
export interface AtrLinkTarget {
  workflowId: string;
  closure: Closure;
  atrId: string | null;
  /** Past its own expiry, or its closure's run has stopped taking feedback. */
  expired: boolean;
}

/** An ATR id already holds another closure's document: storing this one under it would let one id mean two PDFs. */
export class AtrIdConflictError extends Error {
  constructor(atrId: string, holder: string) {
    super(`ATR ${atrId} is already stored for ${holder}; another closure's document can never be stored under it`);
    this.name = 'AtrIdConflictError';
  }
}

/** What erasing closures changed in this aggregate's tables. */
export interface ClosureErasure {
  closures: number;
  documents: number;
  links: number;
  feedback: number;
  feedbackDetails: number;
}

/** The closure JSON without its personal fields: each dotted path removed with jsonb's #- operator. */
const ERASED_CLOSURE = `closure ${PERSONAL_CLOSURE_FIELDS.map((p) => `#- '{${p.split('.').join(',')}}'`).join(' ')}`;

/** Creates the closure repository on a pool. */
export function createClosureRepository(pool: Pool) {
  return {
    async recordClosure(workflowId: string, closure: Closure): Promise<{ recordedAt: string }> {
      const { rows } = await pool.query<{ recorded_at: Date }>(
        `INSERT INTO closures (workflow_id, grievance_id, cycle, department_code, district_code, language, closure, disposed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (workflow_id) DO UPDATE SET workflow_id = EXCLUDED.workflow_id
         RETURNING recorded_at`,
        [workflowId, closure.grievanceId, closure.cycle, closure.department.code, closure.district.code, closure.citizen.language, closure, closure.disposedAt],
      );
      return { recordedAt: rows[0]!.recorded_at.toISOString() };
    },

    async getClosure(workflowId: string): Promise<Closure | null> {
      const { rows } = await pool.query<{ closure: Closure }>('SELECT closure FROM closures WHERE workflow_id = $1', [workflowId]);
      return rows[0]?.closure ?? null;
    },

    /** The grievance's closure of `cycle`, or its latest one: whose department's reasons a feedback may give. */
    async closureOfGrievance(grievanceId: string, cycle?: number): Promise<Closure | null> {
      const { rows } = await pool.query<{ closure: Closure }>(
        'SELECT closure FROM closures WHERE grievance_id = $1 AND ($2::int IS NULL OR cycle = $2) ORDER BY cycle DESC LIMIT 1',
        [grievanceId, cycle ?? null],
      );
      return rows[0]?.closure ?? null;
    },

    /**
     * Records how the closure ended. `linksCloseAt`: when its run stops taking feedback (the late-feedback period's
     * end); its SMS links expire then, in the same statement, however long their own expiry was.
     */
    async recordOutcome(workflowId: string, outcome: Outcome, reason?: string, linksCloseAt?: string): Promise<void> {
      await pool.query(
        `WITH links AS (UPDATE atr_links SET expires_at = LEAST(expires_at, $4::timestamptz) WHERE workflow_id = $1 AND $4::timestamptz IS NOT NULL)
         UPDATE closures SET outcome = $2, outcome_reason = $3, completed_at = now(), facts_changed_at = now() WHERE workflow_id = $1`,
        [workflowId, outcome, reason ?? null, linksCloseAt ?? null],
      );
    },

    /** The grievance's cycles before `cycle` that are recorded and have no outcome yet (still live), oldest first. */
    async liveCyclesBefore(grievanceId: string, cycle: number): Promise<string[]> {
      const { rows } = await pool.query<{ workflow_id: string }>(
        'SELECT workflow_id FROM closures WHERE grievance_id = $1 AND cycle < $2 AND outcome IS NULL ORDER BY cycle',
        [grievanceId, cycle],
      );
      return rows.map((r) => r.workflow_id);
    },

    /**
     * The newest live cycle of this workflow's grievance that is newer than it, if any: where a reply addressed
     * to this (older, perhaps SUPERSEDED) cycle belongs now.
     */
    async newerLiveCycle(workflowId: string): Promise<string | undefined> {
      const { rows } = await pool.query<{ workflow_id: string }>(
        `SELECT n.workflow_id FROM closures w JOIN closures n ON n.grievance_id = w.grievance_id AND n.cycle > w.cycle
          WHERE w.workflow_id = $1 AND n.outcome IS NULL ORDER BY n.cycle DESC LIMIT 1`,
        [workflowId],
      );
      return rows[0]?.workflow_id;
    },

    /**
     * A citizen's closures still holding their data, by phone (digits only, as WhatsApp's wa_id gives it), newest
     * first: where a message without context may belong.
     */
    async closuresOfCitizen(digits: string, limit = 20): Promise<CitizenClosure[]> {
      const { rows } = await pool.query<{ workflow_id: string; grievance_id: string; language: Language; outcome: Outcome | null }>(
        `SELECT workflow_id, grievance_id, language, outcome FROM closures
          WHERE regexp_replace(closure -> 'citizen' ->> 'phone', '\\D', '', 'g') = $1 AND erased_at IS NULL
          ORDER BY recorded_at DESC LIMIT $2`,
        [digits, limit],
      );
      return rows.map((r) => ({ workflowId: r.workflow_id, grievanceId: r.grievance_id, language: r.language, outcome: r.outcome ?? undefined }));
    },

    /** The channel a recorded feedback came by, if it is recorded. */
    async feedbackChannelOf(workflowId: string, messageId: string): Promise<FeedbackChannel | undefined> {
      const { rows } = await pool.query<{ channel: FeedbackChannel }>('SELECT channel FROM feedback WHERE workflow_id = $1 AND message_id = $2', [workflowId, messageId]);
      return rows[0]?.channel;
    },

    async getDepartmentPolicy(departmentCode: string): Promise<FeedbackPolicyOverride | null> {
      const { rows } = await pool.query<{ policy: FeedbackPolicyOverride }>(
        'SELECT policy FROM department_policies WHERE department_code = $1',
        [departmentCode],
      );
      return rows[0]?.policy ?? null;
    },

    async saveAtr({ atrId, workflowId, bytes, sha256, pageCount, contentDigest, sealKeyId }: StoredAtr): Promise<void> {
      const { rowCount } = await pool.query(
        `INSERT INTO atr_documents (atr_id, workflow_id, sha256, page_count, byte_length, pdf, content_digest, seal_key_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (atr_id) DO NOTHING`,
        [atrId, workflowId, sha256, pageCount, bytes.byteLength, Buffer.from(bytes), contentDigest, sealKeyId],
      );
      if (rowCount === 1) return;
      // A re-render of the same closure after a crash: keep its first stored copy. Another closure's: refuse, loudly.
      const { rows } = await pool.query<{ workflow_id: string }>('SELECT workflow_id FROM atr_documents WHERE atr_id = $1', [atrId]);
      const holder = rows[0]?.workflow_id;
      if (holder !== undefined && holder !== workflowId) throw new AtrIdConflictError(atrId, holder);
    },

    /** The stored PDF; null also once it was erased. */
    async getAtr(atrId: string): Promise<{ bytes: Uint8Array; sha256: string } | null> {
      const { rows } = await pool.query<{ pdf: Buffer; sha256: string }>('SELECT pdf, sha256 FROM atr_documents WHERE atr_id = $1 AND pdf IS NOT NULL', [atrId]);
      const row = rows[0];
      return row ? { bytes: new Uint8Array(row.pdf), sha256: row.sha256 } : null;
    },

    async getAtrSeal(atrId: string): Promise<SealOnRecord | null> {
      const { rows } = await pool.query<{ content_digest: string | null; grievance_id: string; department_code: string; district_code: string }>(
        `SELECT a.content_digest, c.grievance_id, c.department_code, c.district_code
           FROM atr_documents a JOIN closures c USING (workflow_id) WHERE a.atr_id = $1`,
        [atrId],
      );
      const row = rows[0];
      return row
        ? { contentDigest: row.content_digest, grievanceId: row.grievance_id, departmentCode: row.department_code, districtCode: row.district_code }
        : null;
    },

    async createAtrLink({ tokenHash, workflowId, expiresAt }: { tokenHash: string; workflowId: string; expiresAt: Date }): Promise<void> {
      await pool.query('INSERT INTO atr_links (token_hash, workflow_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        tokenHash,
        workflowId,
        expiresAt,
      ]);
    },

    /** The link's closure, expired or not (an expired link gets its own answer); null for a token we never issued. */
    async getAtrLink(tokenHash: string): Promise<AtrLinkTarget | null> {
      const { rows } = await pool.query<{ workflow_id: string; closure: Closure; atr_id: string | null; expired: boolean }>(
        `SELECT l.workflow_id, c.closure, a.atr_id, l.expires_at <= now() AS expired
           FROM atr_links l JOIN closures c USING (workflow_id) LEFT JOIN atr_documents a USING (workflow_id)
          WHERE l.token_hash = $1`,
        [tokenHash],
      );
      const row = rows[0];
      return row ? { workflowId: row.workflow_id, closure: row.closure, atrId: row.atr_id, expired: row.expired } : null;
    },

    /** The decisive feedback of a closure, once recorded: what its link page remembers when the workflow cannot say. */
    async decisiveFeedback(workflowId: string): Promise<{ rating: Rating; reason?: FeedbackReason } | null> {
      const { rows } = await pool.query<{ rating: Rating; reason: FeedbackReason | null }>(
        'SELECT rating, reason FROM feedback WHERE workflow_id = $1 AND decisive ORDER BY received_at LIMIT 1',
        [workflowId],
      );
      const row = rows[0];
      return row ? { rating: row.rating, ...(row.reason ? { reason: row.reason } : {}) } : null;
    },

    /** `departmentCode`: the closure's department, for the feedback counter's label (not personal data). */
    async recordFeedback({ workflowId, feedback, decisive, late }: { workflowId: string; feedback: FeedbackSignal; decisive: boolean; late: boolean }): Promise<{ inserted: boolean; departmentCode: string | null }> {
      // A retry may carry details merged since the first attempt: keep the fullest version. xmax = 0 marks an insert.
      // The closure's facts_changed_at tells the transparency rollup its day has new feedback.
      const { rows } = await pool.query<{ inserted: boolean; department_code: string | null }>(
        `WITH fb AS (
           INSERT INTO feedback (workflow_id, message_id, rating, reason, comment, voice_media_id, channel, decisive, late, received_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (workflow_id, message_id) DO UPDATE
             SET reason = EXCLUDED.reason, comment = EXCLUDED.comment, voice_media_id = EXCLUDED.voice_media_id
           RETURNING (xmax = 0) AS inserted
         ), changed AS (UPDATE closures SET facts_changed_at = now() WHERE workflow_id = $1 AND $8::boolean)
         SELECT inserted, (SELECT department_code FROM closures WHERE workflow_id = $1) AS department_code FROM fb`,
        [
          workflowId,
          feedback.messageId,
          feedback.rating,
          feedback.reason ?? null,
          feedback.comment ?? null,
          feedback.voiceMediaId ?? null,
          feedback.channel,
          decisive,
          late,
          feedback.receivedAt,
        ],
      );
      return { inserted: rows[0]!.inserted, departmentCode: rows[0]!.department_code };
    },

    /**
     * WhatsApp reported the ATR delivered or read on the citizen's phone at `at` (the channel's time): keeps the
     * earliest such time, for the transparency dashboard's disposal-to-phone time. Statuses arrive out of order
     * and more than once, so only an earlier time changes the row.
     */
    async recordAtrOnPhone(workflowId: string, at: Date): Promise<void> {
      await pool.query(
        `UPDATE closures SET atr_on_phone_at = $2, facts_changed_at = now()
          WHERE workflow_id = $1 AND (atr_on_phone_at IS NULL OR atr_on_phone_at > $2)`,
        [workflowId, at],
      );
    },

    async recordDetails({ workflowId, details, escalationId }: { workflowId: string; details: FeedbackDetailsSignal; escalationId?: string }): Promise<{ inserted: boolean }> {
      const { rowCount } = await pool.query(
        `INSERT INTO feedback_details (workflow_id, message_id, escalation_id, reason, comment, voice_media_id, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [workflowId, details.messageId, escalationId ?? null, details.reason ?? null, details.comment ?? null, details.voiceMediaId ?? null, details.receivedAt],
      );
      return { inserted: rowCount === 1 };
    },

    /** Closures whose outcome is more than `retentionDays` old and whose personal data is still held, oldest first. */
    async closuresDueForErasure(retentionDays: number, limit: number): Promise<string[]> {
      const { rows } = await pool.query<{ workflow_id: string }>(
        `SELECT workflow_id FROM closures
          WHERE erased_at IS NULL AND outcome IS NOT NULL AND completed_at < now() - make_interval(days => $1)
          ORDER BY completed_at LIMIT $2`,
        [retentionDays, limit],
      );
      return rows.map((r) => r.workflow_id);
    },

    /** Every recorded closure of a grievance, erased or not. */
    async closuresOfGrievance(grievanceId: string): Promise<string[]> {
      const { rows } = await pool.query<{ workflow_id: string }>('SELECT workflow_id FROM closures WHERE grievance_id = $1 ORDER BY cycle', [grievanceId]);
      return rows.map((r) => r.workflow_id);
    },

    /** The SHA-256s of these closures' ATR documents (their WhatsApp media is cached by it). */
    async atrDigestsOf(workflowIds: readonly string[]): Promise<string[]> {
      const { rows } = await pool.query<{ sha256: string }>('SELECT sha256 FROM atr_documents WHERE workflow_id = ANY($1)', [workflowIds]);
      return rows.map((r) => r.sha256);
    },

    /**
     * Erases these closures' personal data in one statement: the closure JSON's personal fields, the ATR PDF,
     * feedback comments and voice notes; SMS links expire now. The rows stay (the report counts them), and so do
     * the seal digest and metadata. Marks each closure erased, by `erasedBy`; counts only what still held data.
     */
    async eraseClosures(workflowIds: readonly string[], erasedBy: string): Promise<ClosureErasure> {
      const { rows } = await pool.query<ClosureErasure>(
        `WITH documents AS (
           UPDATE atr_documents SET pdf = NULL WHERE workflow_id = ANY($1) AND pdf IS NOT NULL RETURNING 1
         ), links AS (
           UPDATE atr_links SET expires_at = now() WHERE workflow_id = ANY($1) AND expires_at > now() RETURNING 1
         ), fb AS (
           UPDATE feedback SET comment = NULL, voice_media_id = NULL
            WHERE workflow_id = ANY($1) AND (comment IS NOT NULL OR voice_media_id IS NOT NULL) RETURNING 1
         ), details AS (
           UPDATE feedback_details SET comment = NULL, voice_media_id = NULL
            WHERE workflow_id = ANY($1) AND (comment IS NOT NULL OR voice_media_id IS NOT NULL) RETURNING 1
         ), erased AS (
           UPDATE closures SET closure = ${ERASED_CLOSURE}, erased_at = COALESCE(erased_at, now()), erased_by = COALESCE(erased_by, $2)
            WHERE workflow_id = ANY($1) AND closure <> ${ERASED_CLOSURE} RETURNING 1
         ), marked AS (
           UPDATE closures SET erased_at = now(), erased_by = $2 WHERE workflow_id = ANY($1) AND erased_at IS NULL AND closure = ${ERASED_CLOSURE} RETURNING 1
         )
         SELECT (SELECT count(*) FROM erased)::int AS closures, (SELECT count(*) FROM documents)::int AS documents,
                (SELECT count(*) FROM links)::int AS links, (SELECT count(*) FROM fb)::int AS feedback,
                (SELECT count(*) FROM details)::int AS "feedbackDetails", (SELECT count(*) FROM marked)::int AS marked`,
        [workflowIds, erasedBy],
      );
      const { closures, documents, links, feedback, feedbackDetails } = rows[0]!;
      return { closures, documents, links, feedback, feedbackDetails };
    },
  };
}

/** The closure repository's methods. */
export type ClosureRepository = ReturnType<typeof createClosureRepository>;
