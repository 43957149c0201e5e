/**
 * Single-use nonces of the ATR link page: issued when the page is rendered, consumed by the one feedback POST
 * that carries it. The only module that names atr_link_nonces. Nonces and link tokens are stored hashed.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

const hash = (nonce: string) => createHash('sha256').update(nonce).digest('hex');

/** Creates the nonce repository on a pool. */
export function createAtrLinkNonceRepository(pool: Pool) {
  return {
    /** A fresh nonce for the link (by its token's hash), valid for `ttlMs`; the link's expired nonces go meanwhile. */
    async issue(tokenHash: string, ttlMs: number): Promise<string> {
      const nonce = randomBytes(16).toString('base64url');
      await pool.query(
        `WITH gone AS (DELETE FROM atr_link_nonces WHERE token_hash = $2 AND expires_at <= now())
         INSERT INTO atr_link_nonces (nonce_hash, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
        [hash(nonce), tokenHash, ttlMs / 1000],
      );
      return nonce;
    },

    /** Whether the nonce was issued for this link, unexpired and unused; it is used up either way. Atomic: of two
     * concurrent calls with the same nonce, exactly one gets true. */
    async consume(tokenHash: string, nonce: string): Promise<boolean> {
      const { rows } = await pool.query<{ live: boolean }>(
        'DELETE FROM atr_link_nonces WHERE nonce_hash = $1 AND token_hash = $2 RETURNING expires_at > now() AS live',
        [hash(nonce), tokenHash],
      );
      return rows[0]?.live === true;
    },
  };
}

/** The nonce repository's methods. */
export type AtrLinkNonceRepository = ReturnType<typeof createAtrLinkNonceRepository>;
