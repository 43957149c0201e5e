/**
 * The portal's event outbox: the only module that names portal_events. Activities append events (inside their
 * own transaction when they have one); the dispatcher (portal/event-feed.ts) claims the due ones, one per grievance
 * at a time so a grievance's events reach the portal in order, and records how each attempt went.
 */
import type { Pool, PoolClient } from 'pg';
import type { NewPortalEvent, PortalEvent, PortalEventStatus, PortalEventType } from '../../contracts/events';
import { inTransaction } from '../pool';

/** Somewhere to run SQL: the pool (the append opens its own transaction) or a client inside the caller's transaction. */
export type Queryable = Pool | PoolClient;

/** An event as stored: the envelope plus where its delivery stands. */
export interface StoredPortalEvent extends PortalEvent {
  status: PortalEventStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  deliveredAt: string | null;
}

interface Row {
  id: string;
  grievance_id: string;
  cycle: number;
  sequence: string;
  type: PortalEventType;
  occurred_at: Date;
  data: PortalEvent['data'];
  status: PortalEventStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  delivered_at: Date | null;
}

const COLUMNS = 'id, grievance_id, cycle, sequence, type, occurred_at, data, status, attempts, next_attempt_at, last_error, delivered_at';

function toEvent(r: Row): StoredPortalEvent {
  return {
    id: r.id,
    type: r.type,
    specVersion: '1',
    grievanceId: r.grievance_id,
    cycle: r.cycle,
    sequence: Number(r.sequence),
    occurredAt: r.occurred_at.toISOString(),
    data: r.data,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at.toISOString(),
    lastError: r.last_error,
    deliveredAt: r.delivered_at?.toISOString() ?? null,
  } as StoredPortalEvent;
}

/** The envelope the portal receives, without the outbox's bookkeeping. */
export function toEnvelope(e: StoredPortalEvent): PortalEvent {
  return { id: e.id, type: e.type, specVersion: '1', grievanceId: e.grievanceId, cycle: e.cycle, sequence: e.sequence, occurredAt: e.occurredAt, data: e.data } as PortalEvent;
}

const isClient = (db: Queryable): db is PoolClient => 'release' in db;

async function appendIn(client: PoolClient, events: readonly NewPortalEvent[]): Promise<number> {
  // One grievance's sequence is assigned under a lock on that grievance, taken in a fixed order (no deadlock
  // between two appends that share grievances), so concurrent appends (an ATR and its escalation) never collide.
  const grievances = [...new Set(events.map((e) => e.grievanceId))].sort();
  for (const g of grievances) await client.query("SELECT pg_advisory_xact_lock(hashtext('portal_events'), hashtext($1))", [g]);
  let appended = 0;
  for (const e of events) {
    const { rowCount } = await client.query(
      `INSERT INTO portal_events (id, grievance_id, cycle, sequence, type, occurred_at, data)
       SELECT $1, $2, $3, COALESCE(MAX(sequence), 0) + 1, $4, COALESCE($5::timestamptz, now()), $6
         FROM portal_events WHERE grievance_id = $2
       ON CONFLICT (id) DO NOTHING`,
      [e.id, e.grievanceId, e.cycle, e.type, e.occurredAt ?? null, JSON.stringify(e.data)],
    );
    appended += rowCount ?? 0;
  }
  return appended;
}

/**
 * Appends events to the outbox. Idempotent on the event id: an event already there is left as it is (a retried
 * activity appends nothing new). Pass a client to append inside your transaction (the events commit with the change
 * they report; the grievance's lock is held until your commit), or the pool to append in a transaction of its own.
 * Returns how many were new.
 */
export async function appendPortalEvents(db: Queryable, events: readonly NewPortalEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  if (isClient(db)) return appendIn(db, events);
  return inTransaction(db, (client) => appendIn(client, events));
}

/** The outbox's size and health, for `sampark-atr events` and the backlog gauge. */
export interface PortalEventBacklog {
  byStatus: { status: PortalEventStatus; type: PortalEventType; count: number }[];
  pending: number;
  oldestPendingAt: string | null;
  recentRejected: { id: string; grievanceId: string; type: PortalEventType; lastError: string | null; at: string }[];
}

/** Creates the outbox repository on a pool. */
export function createPortalEventRepository(pool: Pool) {
  return {
    /** appendPortalEvents on this pool (or on `db`, a client in the caller's transaction). */
    appendEvents: (events: readonly NewPortalEvent[], db: Queryable = pool) => appendPortalEvents(db, events),

    /**
     * Takes up to `limit` due events, each the earliest undelivered one of its grievance, and leases them for
     * `leaseMs` (their next attempt moves past the lease, so no other dispatcher takes them meanwhile, and a
     * dispatcher that dies lets them come due again). SKIP LOCKED lets several dispatchers claim side by side.
     */
    async claimDue(limit: number, leaseMs: number): Promise<StoredPortalEvent[]> {
      const { rows } = await pool.query<Row>(
        `UPDATE portal_events SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
          WHERE id IN (
            SELECT e.id FROM portal_events e
             WHERE e.status = 'PENDING' AND e.next_attempt_at <= now()
               AND NOT EXISTS (SELECT 1 FROM portal_events b
                                WHERE b.grievance_id = e.grievance_id AND b.status = 'PENDING' AND b.sequence < e.sequence)
             ORDER BY e.next_attempt_at, e.sequence
             LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING ${COLUMNS}`,
        [limit, leaseMs / 1000],
      );
      return rows.map(toEvent);
    },

    async markDelivered(id: string): Promise<void> {
      await pool.query("UPDATE portal_events SET status = 'DELIVERED', delivered_at = now(), last_error = NULL WHERE id = $1", [id]);
    },

    /** A failure worth retrying: the event stays PENDING and comes due again after `retryInMs`. */
    async markRetry(id: string, error: string, retryInMs: number): Promise<void> {
      await pool.query(
        "UPDATE portal_events SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1 AND status = 'PENDING'",
        [id, error, retryInMs / 1000],
      );
    },

    /** The portal refused the event for good (a 4xx): parked as REJECTED with the reason, for ops to see and replay. */
    async markRejected(id: string, reason: string): Promise<void> {
      await pool.query("UPDATE portal_events SET status = 'REJECTED', last_error = $2 WHERE id = $1 AND status = 'PENDING'", [id, reason]);
    },

    async pendingCount(): Promise<number> {
      const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM portal_events WHERE status = 'PENDING'");
      return Number(rows[0]!.n);
    },

    async backlog(rejectedLimit = 10): Promise<PortalEventBacklog> {
      const [counts, oldest, rejected] = await Promise.all([
        pool.query<{ status: PortalEventStatus; type: PortalEventType; n: string }>(
          'SELECT status, type, count(*) AS n FROM portal_events GROUP BY status, type ORDER BY status, type',
        ),
        pool.query<{ at: Date | null }>("SELECT min(occurred_at) AS at FROM portal_events WHERE status = 'PENDING'"),
        pool.query<{ id: string; grievance_id: string; type: PortalEventType; last_error: string | null; occurred_at: Date }>(
          "SELECT id, grievance_id, type, last_error, occurred_at FROM portal_events WHERE status = 'REJECTED' ORDER BY occurred_at DESC LIMIT $1",
          [rejectedLimit],
        ),
      ]);
      const byStatus = counts.rows.map((r) => ({ status: r.status, type: r.type, count: Number(r.n) }));
      return {
        byStatus,
        pending: byStatus.filter((r) => r.status === 'PENDING').reduce((n, r) => n + r.count, 0),
        oldestPendingAt: oldest.rows[0]?.at?.toISOString() ?? null,
        recentRejected: rejected.rows.map((r) => ({
          id: r.id,
          grievanceId: r.grievance_id,
          type: r.type,
          lastError: r.last_error,
          at: r.occurred_at.toISOString(),
        })),
      };
    },

    /** A grievance's events in order. */
    async forGrievance(grievanceId: string): Promise<StoredPortalEvent[]> {
      const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM portal_events WHERE grievance_id = $1 ORDER BY sequence`, [grievanceId]);
      return rows.map(toEvent);
    },

    /**
     * Queues delivered and rejected events that happened at or after `since` (of one grievance, or all) to be sent
     * again, with their ids and sequences unchanged, so the portal de-duplicates what it already has. Returns how many.
     */
    async replay(since: Date, grievanceId?: string): Promise<number> {
      const { rowCount } = await pool.query(
        `UPDATE portal_events SET status = 'PENDING', attempts = 0, next_attempt_at = now(), last_error = NULL
          WHERE status IN ('DELIVERED', 'REJECTED') AND occurred_at >= $1 AND ($2::text IS NULL OR grievance_id = $2)`,
        [since, grievanceId ?? null],
      );
      return rowCount ?? 0;
    },
  };
}

/** The outbox repository's methods. */
export type PortalEventRepository = ReturnType<typeof createPortalEventRepository>;
