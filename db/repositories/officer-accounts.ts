/**
 * Officers' logins on PostgreSQL: one account per officer of the directory (argon2id hash, failed-attempt lockout),
 * server-side sessions known only by their token's hash, and the audit of what officers did and saw. The only
 * module that names officer_accounts, officer_sessions and officer_audit. Hashing happens above (api/officer/auth.ts):
 * this module stores and compares nothing secret itself.
 */
import type { Pool } from 'pg';
import { inTransaction } from '../pool';

/** Where an account's password came from: `npm start`'s per-machine seed (refused in production) or ops' CLI. */
export type AccountOrigin = 'ops' | 'seeded';

/** What the audit records. Phone reveals and officers' actions, with logins and lockouts. */
export const OFFICER_AUDIT_ACTIONS = ['LOGIN', 'LOGIN_FAILED', 'LOCKED', 'LOGOUT', 'PASSWORD_SET', 'PHONE_REVEALED', 'ACKNOWLEDGE', 'ADD_NOTE', 'ASK_CITIZEN', 'TRANSFER'] as const;
/** An audited action. */
export type OfficerAuditAction = (typeof OFFICER_AUDIT_ACTIONS)[number];

/** An account as login needs it. */
export interface OfficerAccount {
  officerId: string;
  passwordHash: string;
  origin: AccountOrigin;
  failedAttempts: number;
  lockedUntil: Date | null;
}

/** A live session: whose, and until when. */
export interface OfficerSession {
  sessionHash: string;
  officerId: string;
  expiresAt: Date;
}

/** One audit row. */
export interface OfficerAuditEntry {
  officerId: string;
  escalationId: string | null;
  action: OfficerAuditAction;
  at: Date;
}

/** Creates the officer account repository on a pool. */
export function createOfficerAccountRepository(pool: Pool) {
  return {
    /** Creates the account or replaces its password (a reset): unlocks it and ends its sessions. */
    async setPassword(officerId: string, passwordHash: string, origin: AccountOrigin): Promise<void> {
      await inTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO officer_accounts (officer_id, password_hash, origin) VALUES ($1, $2, $3)
           ON CONFLICT (officer_id) DO UPDATE SET password_hash = $2, origin = $3, failed_attempts = 0, locked_until = NULL, password_set_at = now()`,
          [officerId, passwordHash, origin],
        );
        await client.query('UPDATE officer_sessions SET ended_at = now() WHERE officer_id = $1 AND ended_at IS NULL', [officerId]);
      });
    },

    async getAccount(officerId: string): Promise<OfficerAccount | null> {
      const { rows } = await pool.query<{ officer_id: string; password_hash: string; origin: AccountOrigin; failed_attempts: number; locked_until: Date | null }>(
        'SELECT officer_id, password_hash, origin, failed_attempts, locked_until FROM officer_accounts WHERE officer_id = $1',
        [officerId],
      );
      const r = rows[0];
      return r ? { officerId: r.officer_id, passwordHash: r.password_hash, origin: r.origin, failedAttempts: r.failed_attempts, lockedUntil: r.locked_until } : null;
    },

    /** The officers whose accounts `npm start` seeded (production refuses to start while any remain). */
    async seededAccounts(): Promise<string[]> {
      const { rows } = await pool.query<{ officer_id: string }>("SELECT officer_id FROM officer_accounts WHERE origin = 'seeded' ORDER BY officer_id");
      return rows.map((r) => r.officer_id);
    },

    /**
     * Counts a failed login, atomically across API replicas; the `maxAttempts`-th in a row locks the account for
     * `lockMs` and starts the count again. Reports whether this failure locked it.
     */
    async recordFailure(officerId: string, maxAttempts: number, lockMs: number): Promise<{ locked: boolean }> {
      const { rows } = await pool.query<{ locked: boolean }>(
        `UPDATE officer_accounts
            SET failed_attempts = CASE WHEN failed_attempts + 1 >= $2 THEN 0 ELSE failed_attempts + 1 END,
                locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN now() + $3 * interval '1 millisecond' ELSE locked_until END
          WHERE officer_id = $1
      RETURNING locked_until IS NOT NULL AND locked_until > now() AS locked`,
        [officerId, maxAttempts, lockMs],
      );
      return { locked: rows[0]?.locked ?? false };
    },

    /** A successful login: the count starts again, and a new session row (the old cookie's, if any, ends). */
    async startSession(officerId: string, sessionHash: string, ttlMs: number, replacing?: string): Promise<OfficerSession> {
      await pool.query('UPDATE officer_accounts SET failed_attempts = 0, locked_until = NULL, last_login_at = now() WHERE officer_id = $1', [officerId]);
      if (replacing) await pool.query('UPDATE officer_sessions SET ended_at = now() WHERE session_hash = $1 AND ended_at IS NULL', [replacing]);
      const { rows } = await pool.query<{ expires_at: Date }>(
        "INSERT INTO officer_sessions (session_hash, officer_id, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond') RETURNING expires_at",
        [sessionHash, officerId, ttlMs],
      );
      return { sessionHash, officerId, expiresAt: rows[0]!.expires_at };
    },

    /**
     * The session behind a cookie, if it has not ended, expired, or lain idle longer than `idleMs`; marks it seen
     * (at most once a minute, so each page view does not write).
     */
    async liveSession(sessionHash: string, idleMs: number): Promise<OfficerSession | null> {
      const { rows } = await pool.query<{ officer_id: string; expires_at: Date }>(
        `UPDATE officer_sessions SET last_seen_at = CASE WHEN last_seen_at < now() - interval '1 minute' THEN now() ELSE last_seen_at END
          WHERE session_hash = $1 AND ended_at IS NULL AND expires_at > now() AND last_seen_at > now() - $2 * interval '1 millisecond'
      RETURNING officer_id, expires_at`,
        [sessionHash, idleMs],
      );
      const r = rows[0];
      return r ? { sessionHash, officerId: r.officer_id, expiresAt: r.expires_at } : null;
    },

    async endSession(sessionHash: string): Promise<void> {
      await pool.query('UPDATE officer_sessions SET ended_at = now() WHERE session_hash = $1 AND ended_at IS NULL', [sessionHash]);
    },

    async audit(officerId: string, action: OfficerAuditAction, escalationId?: string): Promise<void> {
      await pool.query('INSERT INTO officer_audit (officer_id, escalation_id, action) VALUES ($1, $2, $3)', [officerId, escalationId ?? null, action]);
    },

    /** The audit of one escalation, or of one officer, oldest first. */
    async auditTrail(by: { escalationId: string } | { officerId: string }): Promise<OfficerAuditEntry[]> {
      const [column, value] = 'escalationId' in by ? ['escalation_id', by.escalationId] : ['officer_id', by.officerId];
      const { rows } = await pool.query<{ officer_id: string; escalation_id: string | null; action: OfficerAuditAction; at: Date }>(
        `SELECT officer_id, escalation_id, action, at FROM officer_audit WHERE ${column} = $1 ORDER BY audit_id`,
        [value],
      );
      return rows.map((r) => ({ officerId: r.officer_id, escalationId: r.escalation_id, action: r.action, at: r.at }));
    },
  };
}

/** The officer account repository's methods. */
export type OfficerAccountRepository = ReturnType<typeof createOfficerAccountRepository>;
