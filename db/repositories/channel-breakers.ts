/**
 * The channels' circuit breakers on PostgreSQL, shared by every worker of a deployment (the workers of one task
 * queue: one WhatsApp account and gateway): a row per channel while a fault on our side holds it. The only
 * module that names channel_breakers.
 */
import type { Pool } from 'pg';
import type { Channel } from '../../contracts/workflow';

/** An open breaker. */
export interface OpenBreaker {
  channel: Channel;
  /** `whatsapp:190`: the fault that opened it (or, after a failed probe, the latest one). */
  code: string;
  reason: string;
  openedAt: string;
  nextProbeAt: string;
  /** How many probes have been claimed since it opened. */
  probes: number;
}

/** What a send finds: no breaker, an open one (send nothing), or an open one whose probe this caller claimed. */
export type BreakerCheck =
  | { state: 'closed' }
  | { state: 'open'; breaker: OpenBreaker; /** Another caller's probe is under way: its outcome may come in a moment. */ probing: boolean }
  | { state: 'probe'; breaker: OpenBreaker };

interface Row {
  channel: Channel;
  code: string;
  reason: string;
  opened_at: Date;
  next_probe_at: Date;
  probes: number;
  claimed: boolean;
  probing: boolean;
}

const COLUMNS = 'channel, code, reason, opened_at, next_probe_at, probes';

const toBreaker = (r: Row): OpenBreaker => ({
  channel: r.channel,
  code: r.code,
  reason: r.reason,
  openedAt: r.opened_at.toISOString(),
  nextProbeAt: r.next_probe_at.toISOString(),
  probes: r.probes,
});

/** Creates the breaker repository of the deployment that serves `taskQueue`. */
/** When probes fall due: the caller's clock ($5, epoch ms) if given, else the database's. */
const DUE_CLOCK = 'COALESCE(to_timestamp($5::float8 / 1000), now())';

export function createChannelBreakerRepository(pool: Pool, taskQueue: string) {
  return {
    /**
     * The channel's breaker as a send finds it. When its probe is due, exactly one caller claims it (the row
     * lock makes concurrent claimers re-check `next_probe_at`, which the first one moved on by `probeIntervalMs`).
     * `probeWaitMs`: a probe claimed this recently counts as still under way. `nowMs`: the caller's clock for
     * when probes fall due (an activity's attempt time, which a time-skipping test server moves on); the
     * database's clock without it.
     */
    async check(channel: Channel, probeIntervalMs: number, probeWaitMs: number, nowMs?: number): Promise<BreakerCheck> {
      const { rows } = await pool.query<Row>(
        `WITH claimed AS (
           UPDATE channel_breakers
              SET next_probe_at = ${DUE_CLOCK} + make_interval(secs => $2::float8 / 1000), probe_started_at = now(), probes = probes + 1, updated_at = now()
            WHERE task_queue = $4 AND channel = $1 AND next_probe_at <= ${DUE_CLOCK}
           RETURNING ${COLUMNS}
         )
         SELECT ${COLUMNS}, true AS claimed, false AS probing FROM claimed
         UNION ALL
         SELECT ${COLUMNS}, false AS claimed,
                -- due but not ours: a concurrent caller claimed it in this instant
                (next_probe_at <= ${DUE_CLOCK} OR probe_started_at > now() - make_interval(secs => $3::float8 / 1000)) AS probing
           FROM channel_breakers WHERE task_queue = $4 AND channel = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`,
        [channel, probeIntervalMs, probeWaitMs, taskQueue, nowMs ?? null],
      );
      const row = rows[0];
      if (!row) return { state: 'closed' };
      return row.claimed ? { state: 'probe', breaker: toBreaker(row) } : { state: 'open', breaker: toBreaker(row), probing: row.probing };
    },

    /** The channel's breaker now, if open; `probing` while a probe claimed within `probeWaitMs` has no outcome yet. */
    async get(channel: Channel, probeWaitMs: number): Promise<{ breaker: OpenBreaker; probing: boolean } | undefined> {
      const { rows } = await pool.query<Row>(
        `SELECT ${COLUMNS}, false AS claimed, (probe_started_at > now() - make_interval(secs => $2::float8 / 1000)) AS probing
           FROM channel_breakers WHERE task_queue = $3 AND channel = $1`,
        [channel, probeWaitMs, taskQueue],
      );
      return rows[0] ? { breaker: toBreaker(rows[0]), probing: Boolean(rows[0].probing) } : undefined;
    },

    /**
     * Opens the channel's breaker on a fault on our side, or re-arms it (the next probe `probeIntervalMs` from
     * now). It stays open since the first fault while the code is the same.
     */
    async open(channel: Channel, code: string, reason: string, probeIntervalMs: number, nowMs?: number): Promise<OpenBreaker> {
      const { rows } = await pool.query<Row>(
        `INSERT INTO channel_breakers (task_queue, channel, code, reason, next_probe_at)
         VALUES ($5, $1, $2, $3, ${DUE_CLOCK.replace('$5', '$6')} + make_interval(secs => $4::float8 / 1000))
         ON CONFLICT (task_queue, channel) DO UPDATE
           SET opened_at = CASE WHEN channel_breakers.code = EXCLUDED.code THEN channel_breakers.opened_at ELSE now() END,
               code = EXCLUDED.code, reason = EXCLUDED.reason, next_probe_at = EXCLUDED.next_probe_at,
               probe_started_at = NULL, updated_at = now()
         RETURNING ${COLUMNS}`,
        [channel, code, reason, probeIntervalMs, taskQueue, nowMs ?? null],
      );
      return toBreaker(rows[0]!);
    },

    /** The channel answered as it should: closes its breaker. Returns whether one was open. */
    async close(channel: Channel): Promise<boolean> {
      const { rowCount } = await pool.query('DELETE FROM channel_breakers WHERE task_queue = $2 AND channel = $1', [channel, taskQueue]);
      return (rowCount ?? 0) > 0;
    },

    /** A probe that learnt nothing (a timeout, a 5xx): the breaker stays open until its next probe. */
    async probeInconclusive(channel: Channel): Promise<void> {
      await pool.query('UPDATE channel_breakers SET probe_started_at = NULL, updated_at = now() WHERE task_queue = $2 AND channel = $1', [channel, taskQueue]);
    },

    /** Every open breaker. */
    async listOpen(): Promise<OpenBreaker[]> {
      const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM channel_breakers WHERE task_queue = $1 ORDER BY channel`, [taskQueue]);
      return rows.map(toBreaker);
    },

    /** Ops fixed the cause: the next send on every open channel probes at once. Returns the breakers it armed. */
    async probeNow(): Promise<OpenBreaker[]> {
      const { rows } = await pool.query<Row>(`UPDATE channel_breakers SET next_probe_at = now(), updated_at = now() WHERE task_queue = $1 RETURNING ${COLUMNS}`, [
        taskQueue,
      ]);
      return rows.map(toBreaker).sort((a, b) => a.channel.localeCompare(b.channel));
    },
  };
}

/** The breaker repository's methods (the activities' ChannelBreakers port). */
export type ChannelBreakerRepository = ReturnType<typeof createChannelBreakerRepository>;
