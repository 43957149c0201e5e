/**
 * Read-only reporting queries across the repositories' tables: the closure report (`sampark-atr report`),
 * a grievance's messages and escalation row (`sampark-atr status`), and the counts the benchmarks watch.
 * They only read; every write goes through the table's repository (db/repositories/).
 */
import type { Pool } from 'pg';
import { DELIVERY_RANK, type DeliveryStatus, type Outcome } from '../contracts/workflow';

/**
 * Meta's status names (stored lower-case as they came) and the delivery status each stands for; 'played'
 * is a voice message heard, so read. Ranks come from DELIVERY_RANK, never restated here.
 */
const CHANNEL_STATUSES: Record<string, DeliveryStatus> = { sent: 'SENT', delivered: 'DELIVERED', read: 'READ', played: 'READ', failed: 'FAILED' };

/** SQL ranking a channel status column by DELIVERY_RANK: statuses arrive out of order, the furthest is what happened. */
export function statusRankSql(column: string): string {
  const cases = Object.entries(CHANNEL_STATUSES).map(([name, status]) => `WHEN '${name}' THEN ${DELIVERY_RANK[status]}`);
  return `CASE lower(${column}) ${cases.join(' ')} ELSE ${DELIVERY_RANK.PENDING} END`;
}

/** SQL list of the channel status names that stand for any of these delivery statuses. */
function channelStatusesSql(...statuses: DeliveryStatus[]): string {
  return Object.entries(CHANNEL_STATUSES)
    .filter(([, status]) => statuses.includes(status))
    .map(([name]) => `'${name}'`)
    .join(', ');
}

/** One message we sent the citizen, without its recipient or text. */
export interface MessageSentRow {
  purpose: string;
  channel: string;
  /** Our side: sending, accepted (the channel took it) or failed. */
  state: string;
  /** The channel's furthest report (SENT, DELIVERED, READ, FAILED), if any came. */
  delivery: string | null;
  messageId: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

/** The escalation row in the officers' inbox: where it was raised, and where its ladder stands now. */
export interface EscalationRow {
  escalationId: string;
  level: number;
  levelName: string;
  reason: string | null;
  createdAt: string;
  currentLevel: number;
  status: string;
  slaDueAt: string | null;
}

/** Closure counts for one department and district, or the totals (isTotal, department and district null). */
export interface ClosureCounts {
  department: string | null;
  district: string | null;
  isTotal: boolean;
  closures: number;
  /** Closures whose ATR the channel accepted (WhatsApp) or the outbox recorded. */
  atrsSent: number;
  /** ... of which an ATR message has a delivered or read status. */
  delivered: number;
  /** ... of which an ATR message has a read status. */
  read: number;
  /** Closures with decisive feedback (the first within the window; repeats and late replies excluded). */
  feedback: number;
  satisfied: number;
  escalations: number;
  /** Closures whose ATR link went by SMS because WhatsApp could not reach the citizen. */
  smsFallbacks: number;
  undeliverable: number;
}

/** An ATR message that left us: accepted by WhatsApp, or recorded by the outbox (which is the channel then). */
const ATR_SENT = `o.purpose = 'ATR' AND (o.channel = 'outbox' OR (o.channel = 'whatsapp' AND o.status = 'accepted'))`;

/**
 * One pass over the selected closures: per closure, flags from EXISTS subqueries that each follow an
 * index (outbound_messages by workflow, message_statuses by wamid, feedback and escalations by workflow;
 * atr_links has none, so it is hashed once), then counts per department and district plus a grand
 * total (GROUPING SETS). The date bounds are IST midnights. EXISTS counts a closure once however many
 * times (and in whatever order) its statuses arrived.
 */
const CLOSURE_COUNTS_SQL = `
WITH per_closure AS (
  SELECT c.department_code, c.district_code, c.outcome,
         EXISTS (SELECT 1 FROM outbound_messages o WHERE o.workflow_id = c.workflow_id AND ${ATR_SENT}) AS atr_sent,
         EXISTS (SELECT 1 FROM outbound_messages o JOIN message_statuses m ON m.wamid = o.message_id
                  WHERE o.workflow_id = c.workflow_id AND ${ATR_SENT} AND lower(m.status) IN (${channelStatusesSql('DELIVERED', 'READ')})) AS delivered,
         EXISTS (SELECT 1 FROM outbound_messages o JOIN message_statuses m ON m.wamid = o.message_id
                  WHERE o.workflow_id = c.workflow_id AND ${ATR_SENT} AND lower(m.status) IN (${channelStatusesSql('READ')})) AS read,
         EXISTS (SELECT 1 FROM feedback f WHERE f.workflow_id = c.workflow_id AND f.decisive) AS has_feedback,
         EXISTS (SELECT 1 FROM feedback f WHERE f.workflow_id = c.workflow_id AND f.decisive AND f.rating = 'SATISFIED') AS satisfied,
         EXISTS (SELECT 1 FROM escalations e WHERE e.workflow_id = c.workflow_id) AS escalated,
         (c.workflow_id IN (SELECT l.workflow_id FROM atr_links l)
          OR EXISTS (SELECT 1 FROM outbound_messages o WHERE o.workflow_id = c.workflow_id AND o.channel = 'sms')) AS sms_fallback
    FROM closures c
   WHERE ($1::date IS NULL OR (c.closure->>'disposedAt')::timestamptz >= ($1::date::timestamp AT TIME ZONE 'Asia/Kolkata'))
     AND ($2::date IS NULL OR (c.closure->>'disposedAt')::timestamptz < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Kolkata'))
)
SELECT department_code, district_code, GROUPING(department_code, district_code) <> 0 AS is_total,
       count(*)::int AS closures,
       count(*) FILTER (WHERE atr_sent)::int AS atrs_sent,
       count(*) FILTER (WHERE delivered)::int AS delivered,
       count(*) FILTER (WHERE read)::int AS read,
       count(*) FILTER (WHERE has_feedback)::int AS feedback,
       count(*) FILTER (WHERE satisfied)::int AS satisfied,
       count(*) FILTER (WHERE escalated)::int AS escalations,
       count(*) FILTER (WHERE sms_fallback)::int AS sms_fallbacks,
       count(*) FILTER (WHERE outcome = 'UNDELIVERABLE')::int AS undeliverable
  FROM per_closure
 GROUP BY GROUPING SETS ((department_code, district_code), ())
 ORDER BY is_total, department_code, district_code`;

/** Creates the reporting queries on a pool. */
export function createReports(pool: Pool) {
  const count = async (sql: string, params: unknown[] = []) => Number((await pool.query<{ n: string }>(sql, params)).rows[0]!.n);

  return {
    /** Closures disposed between the IST dates (inclusive, either open), per department and district; the totals row last. */
    async closureCounts({ from, to }: { from?: string; to?: string }): Promise<ClosureCounts[]> {
      const { rows } = await pool.query<{
        department_code: string | null;
        district_code: string | null;
        is_total: boolean;
        closures: number;
        atrs_sent: number;
        delivered: number;
        read: number;
        feedback: number;
        satisfied: number;
        escalations: number;
        sms_fallbacks: number;
        undeliverable: number;
      }>(CLOSURE_COUNTS_SQL, [from ?? null, to ?? null]);
      return rows.map((r) => ({
        department: r.is_total ? null : r.department_code,
        district: r.is_total ? null : r.district_code,
        isTotal: r.is_total,
        closures: r.closures,
        atrsSent: r.atrs_sent,
        delivered: r.delivered,
        read: r.read,
        feedback: r.feedback,
        satisfied: r.satisfied,
        escalations: r.escalations,
        smsFallbacks: r.sms_fallbacks,
        undeliverable: r.undeliverable,
      }));
    },

    /**
     * Every message sent to the citizen for a workflow, oldest first, each with the furthest status the channel
     * reported. Its escalation's alerts to officers are not the citizen's: how many officers are in the directory
     * is not part of the closure's story (the escalation's own history tells of them).
     */
    async sentMessages(workflowId: string): Promise<MessageSentRow[]> {
      const { rows } = await pool.query<{
        purpose: string;
        channel: string;
        state: string;
        delivery: string | null;
        message_id: string | null;
        attempts: number;
        created_at: Date;
        updated_at: Date;
      }>(
        `SELECT o.purpose, o.channel, o.status AS state, s.status AS delivery, o.message_id, o.attempts, o.created_at, o.updated_at
           FROM outbound_messages o
           LEFT JOIN LATERAL (
             SELECT upper(ms.status) AS status FROM message_statuses ms
              WHERE ms.wamid = o.message_id
              ORDER BY ${statusRankSql('ms.status')} DESC, ms.status_at DESC LIMIT 1
           ) s ON true
          WHERE o.workflow_id = $1 AND o.purpose <> 'OFFICER_ALERT'
          ORDER BY o.created_at, o.idempotency_key`,
        [workflowId],
      );
      return rows.map((r) => ({
        purpose: r.purpose,
        channel: r.channel,
        state: r.state,
        delivery: r.delivery,
        messageId: r.message_id,
        attempts: r.attempts,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      }));
    },

    /** The workflow's escalation row, if it escalated. */
    async escalationOf(workflowId: string): Promise<EscalationRow | null> {
      const { rows } = await pool.query<{
        escalation_id: string;
        level: number;
        level_name: string;
        reason: string | null;
        created_at: Date;
        current_level: number;
        status: string;
        sla_due_at: Date | null;
      }>(
        `SELECT escalation_id, level, level_name, reason, created_at, current_level, status, sla_due_at
           FROM escalations WHERE workflow_id = $1`,
        [workflowId],
      );
      const r = rows[0];
      return r
        ? {
            escalationId: r.escalation_id,
            level: r.level,
            levelName: r.level_name,
            reason: r.reason,
            createdAt: r.created_at.toISOString(),
            currentLevel: r.current_level,
            status: r.status,
            slaDueAt: r.sla_due_at?.toISOString() ?? null,
          }
        : null;
    },

    /** ATR messages WhatsApp accepted. */
    acceptedAtrs: () => count("SELECT count(*) AS n FROM outbound_messages WHERE purpose = 'ATR' AND status = 'accepted'"),

    /** Status webhooks the relay has not settled yet. */
    unrelayedStatuses: () => count('SELECT count(*) AS n FROM message_statuses WHERE relayed_at IS NULL'),

    /** Closures still open (no outcome yet). */
    openClosures: () => count('SELECT count(*) AS n FROM closures WHERE outcome IS NULL'),

    /** Closures that ended with this outcome. */
    closuresWithOutcome: (outcome: Outcome) => count('SELECT count(*) AS n FROM closures WHERE outcome = $1', [outcome]),

    /** Closures with this outcome whose grievance id starts with the prefix, with when each completed. */
    async completedClosures(outcome: Outcome, grievancePrefix: string): Promise<{ grievanceId: string; completedAt: Date }[]> {
      const { rows } = await pool.query<{ grievance_id: string; completed_at: Date }>(
        'SELECT grievance_id, completed_at FROM closures WHERE outcome = $1 AND grievance_id LIKE $2',
        [outcome, `${grievancePrefix}%`],
      );
      return rows.map((r) => ({ grievanceId: r.grievance_id, completedAt: r.completed_at }));
    },

    /** What the webhook inbox holds: events, statuses and inbound messages. */
    async inboxCounts(): Promise<{ events: number; statuses: number; messages: number }> {
      const { rows } = await pool.query<{ events: string; statuses: string; messages: string }>(
        'SELECT (SELECT count(*) FROM webhook_events) AS events, (SELECT count(*) FROM message_statuses) AS statuses, (SELECT count(*) FROM inbound_messages) AS messages',
      );
      return { events: Number(rows[0]!.events), statuses: Number(rows[0]!.statuses), messages: Number(rows[0]!.messages) };
    },
  };
}

/** The reporting queries. */
export type Reports = ReturnType<typeof createReports>;
