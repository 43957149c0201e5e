/**
 * The closure intake on PostgreSQL: the fingerprint of every closure posted to us, keyed by grievance and
 * cycle and written before its workflow starts. It decides whether a closure is new, a repeat, or a changed
 * copy of one already taken — from our own record, not from Temporal, which forgets a workflow after its
 * retention. Fingerprints only, never the closure's values. The only module that names closure_intake.
 */
import type { Pool } from 'pg';

/** A closure's fingerprint under its grievance and cycle. */
export interface IntakeEntry {
  grievanceId: string;
  cycle: number;
  workflowId: string;
  /** The id its ATR is stored and sent under: the portal's atrNumber, else the workflow id. */
  atrId: string;
  /** SHA-256 of the whole validated closure. */
  contentSha256: string;
  /** Field path → SHA-256 of that field's value: which fields differ can be told without keeping any value. */
  fieldDigests: Record<string, string>;
}

/** What the intake holds for a grievance and cycle. */
export interface IntakeRecord {
  workflowId: string;
  contentSha256: string;
  fieldDigests: Record<string, string>;
  /** Whether Temporal has been given its workflow. */
  started: boolean;
}

/**
 * `admitted`: new, recorded now. `recorded`: this grievance and cycle were posted before (here is what).
 * `atr-id-taken`: another grievance or cycle already has this ATR id.
 */
export type IntakeAnswer = { outcome: 'admitted' } | { outcome: 'recorded'; record: IntakeRecord } | { outcome: 'atr-id-taken' };

/** Creates the closure intake repository on a pool. */
export function createClosureIntakeRepository(pool: Pool) {
  return {
    /** Records the entry unless its grievance and cycle (or its ATR id) are already taken, and says which. */
    async admit(entry: IntakeEntry): Promise<IntakeAnswer> {
      // Without a conflict target this also yields to a concurrent insert of the same key, then reads it below.
      const { rowCount } = await pool.query(
        `INSERT INTO closure_intake (grievance_id, cycle, workflow_id, atr_id, content_sha256, field_digests)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [entry.grievanceId, entry.cycle, entry.workflowId, entry.atrId, entry.contentSha256, entry.fieldDigests],
      );
      if (rowCount === 1) return { outcome: 'admitted' };
      const { rows } = await pool.query<{ workflow_id: string; content_sha256: string; field_digests: Record<string, string>; started: boolean }>(
        `SELECT workflow_id, content_sha256, field_digests, started_at IS NOT NULL AS started
           FROM closure_intake WHERE grievance_id = $1 AND cycle = $2`,
        [entry.grievanceId, entry.cycle],
      );
      const row = rows[0];
      if (!row) return { outcome: 'atr-id-taken' };
      return { outcome: 'recorded', record: { workflowId: row.workflow_id, contentSha256: row.content_sha256, fieldDigests: row.field_digests, started: row.started } };
    },

    /** Temporal has the closure's workflow (started now, or found already started). */
    async markStarted(grievanceId: string, cycle: number): Promise<void> {
      await pool.query('UPDATE closure_intake SET started_at = COALESCE(started_at, now()) WHERE grievance_id = $1 AND cycle = $2', [grievanceId, cycle]);
    },

    /**
     * The grievance's latest closure that Temporal was given, or undefined. Recorded before the API answers 202, so
     * a read right after finds it, where Temporal's visibility index may lag by a second.
     */
    async latestStarted(grievanceId: string): Promise<{ workflowId: string; cycle: number } | undefined> {
      const { rows } = await pool.query<{ workflow_id: string; cycle: number }>(
        'SELECT workflow_id, cycle FROM closure_intake WHERE grievance_id = $1 AND started_at IS NOT NULL ORDER BY cycle DESC LIMIT 1',
        [grievanceId],
      );
      return rows[0] && { workflowId: rows[0].workflow_id, cycle: rows[0].cycle };
    },

    /** The workflow ids of every closure posted for this grievance, started or not. */
    async postedClosuresOf(grievanceId: string): Promise<string[]> {
      const { rows } = await pool.query<{ workflow_id: string }>('SELECT workflow_id FROM closure_intake WHERE grievance_id = $1 ORDER BY cycle', [grievanceId]);
      return rows.map((r) => r.workflow_id);
    },

    /**
     * Drops the digests of these fields (a phone number's SHA-256 is found by trying every number). The whole
     * closure's digest stays, so an identical repeat is still recognised; a changed one names these fields as differing.
     */
    async eraseFieldDigests(workflowIds: readonly string[], fields: readonly string[]): Promise<number> {
      const { rowCount } = await pool.query(
        'UPDATE closure_intake SET field_digests = field_digests - $2::text[] WHERE workflow_id = ANY($1) AND field_digests ?| $2::text[]',
        [workflowIds, fields],
      );
      return rowCount ?? 0;
    },
  };
}

/** The closure intake repository's methods. */
export type ClosureIntakeRepository = ReturnType<typeof createClosureIntakeRepository>;
