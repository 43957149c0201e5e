/**
 * `sampark-atr report [--from YYYY-MM-DD] [--to YYYY-MM-DD]`: how closures fared, per department and
 * district, from PostgreSQL alone. Every count is of closures (a resend does not count an ATR twice), and
 * each is an EXISTS over the closure's rows, so channel statuses that arrive twice or out of order (read
 * before delivered) count once and in the right column. Dates select closures by disposal date in IST.
 */
import type { Pool } from 'pg';
import { CliError, formatTable, percent, writeJson, type Writer } from './output';

/** Validated options: inclusive IST dates, either may be open. */
export interface ReportOptions {
  from?: string;
  to?: string;
}

/** One department and district, or the totals (department and district null). */
export interface ReportRow {
  department: string | null;
  district: string | null;
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
  /** feedback / atrsSent; null when no ATR was sent. */
  feedbackRate: number | null;
  /** satisfied / feedback; null without feedback. */
  satisfactionRate: number | null;
  escalations: number;
  /** Closures whose ATR link went by SMS because WhatsApp could not reach the citizen. */
  smsFallbacks: number;
  undeliverable: number;
}

/** Checks --from and --to: real calendar dates, the range not ending before it starts. */
export function parseReportOptions(raw: { from?: string; to?: string }): ReportOptions {
  const date = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v.trim());
    const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
    if (!d || d.toISOString().slice(0, 10) !== v.trim()) throw new CliError(`--${name} ${JSON.stringify(v)} must be a date as YYYY-MM-DD`);
    return v.trim();
  };
  const from = date('from', raw.from);
  const to = date('to', raw.to);
  if (from && to && to < from) throw new CliError(`--to ${to} is before --from ${from}`);
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** An ATR message that left us: accepted by WhatsApp, or recorded by the outbox (which is the channel then). */
const ATR_SENT = `o.purpose = 'ATR' AND (o.channel = 'outbox' OR (o.channel = 'whatsapp' AND o.status = 'accepted'))`;

/**
 * One pass over the selected closures: per closure, flags from EXISTS subqueries that each follow an
 * index (outbound_messages by workflow, message_statuses by wamid, feedback and escalations by workflow;
 * atr_links has none, so it is hashed once), then counts per department and district plus a grand
 * total (GROUPING SETS). The date bounds are IST midnights.
 */
const REPORT_SQL = `
WITH per_closure AS (
  SELECT c.department_code, c.district_code, c.outcome,
         EXISTS (SELECT 1 FROM outbound_messages o WHERE o.workflow_id = c.workflow_id AND ${ATR_SENT}) AS atr_sent,
         EXISTS (SELECT 1 FROM outbound_messages o JOIN message_statuses m ON m.wamid = o.message_id
                  WHERE o.workflow_id = c.workflow_id AND ${ATR_SENT} AND lower(m.status) IN ('delivered', 'read', 'played')) AS delivered,
         EXISTS (SELECT 1 FROM outbound_messages o JOIN message_statuses m ON m.wamid = o.message_id
                  WHERE o.workflow_id = c.workflow_id AND ${ATR_SENT} AND lower(m.status) IN ('read', 'played')) AS read,
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

type SqlRow = {
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
};

/** Runs the report; the last row is the totals (department and district null), present even when empty. */
export async function runReport(deps: { pool: Pool }, opts: ReportOptions): Promise<ReportRow[]> {
  const { rows } = await deps.pool.query<SqlRow>(REPORT_SQL, [opts.from ?? null, opts.to ?? null]);
  const ratio = (n: number, d: number) => (d ? n / d : null);
  return rows.map((r) => ({
    department: r.is_total ? null : r.department_code,
    district: r.is_total ? null : r.district_code,
    closures: r.closures,
    atrsSent: r.atrs_sent,
    delivered: r.delivered,
    read: r.read,
    feedback: r.feedback,
    satisfied: r.satisfied,
    feedbackRate: ratio(r.feedback, r.atrs_sent),
    satisfactionRate: ratio(r.satisfied, r.feedback),
    escalations: r.escalations,
    smsFallbacks: r.sms_fallbacks,
    undeliverable: r.undeliverable,
  }));
}

/** Prints the report as a table with a totals row, or as JSON. */
export function printReport(rows: ReportRow[], opts: ReportOptions, out: Writer, json = false): void {
  if (json) return writeJson(out, { from: opts.from ?? null, to: opts.to ?? null, rows });
  const range = opts.from || opts.to ? `disposed ${opts.from ?? '(any)'} to ${opts.to ?? '(any)'} IST` : 'all closures';
  out.write(`ATR report, ${range}\n`);
  const columns = [
    { header: 'DEPT' },
    { header: 'DISTRICT' },
    ...['CLOSURES', 'ATR SENT', 'DELIVERED', 'READ', 'FEEDBACK', 'FEEDBACK %', 'SATISFIED %', 'ESCALATED', 'SMS', 'UNDELIVERABLE'].map((header) => ({
      header,
      align: 'right' as const,
    })),
  ];
  const cells = (r: ReportRow, dept: string, district: string) => [
    dept,
    district,
    ...[r.closures, r.atrsSent, r.delivered, r.read, r.feedback].map(String),
    percent(r.feedbackRate),
    percent(r.satisfactionRate),
    ...[r.escalations, r.smsFallbacks, r.undeliverable].map(String),
  ];
  const groups = rows.filter((r) => r.department !== null);
  const total = rows.find((r) => r.department === null);
  out.write(formatTable(columns, groups.map((r) => cells(r, r.department!, r.district!)), total ? [cells(total, 'TOTAL', '')] : []));
}
