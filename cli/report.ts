/**
 * `sampark-atr report [--from YYYY-MM-DD] [--to YYYY-MM-DD]`: how closures fared, per department and
 * district, from PostgreSQL alone. Every count is of closures (a resend does not count an ATR twice), and
 * each is an EXISTS over the closure's rows, so channel statuses that arrive twice or out of order (read
 * before delivered) count once and in the right column. Dates select closures by disposal date in IST.
 */
import type { Pool } from 'pg';
import { createReports, type ClosureCounts } from '../db/reports';
import { CliError, formatTable, percent, writeJson, type Writer } from './output';

/** Validated options: inclusive IST dates, either may be open. */
export interface ReportOptions {
  from?: string;
  to?: string;
}

/** One department and district, or the totals (department and district null), with its rates. */
export type ReportRow = Omit<ClosureCounts, 'isTotal'> & {
  /** feedback / atrsSent; null when no ATR was sent. */
  feedbackRate: number | null;
  /** satisfied / feedback; null without feedback. */
  satisfactionRate: number | null;
};

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

/** Runs the report; the last row is the totals (department and district null), present even when empty. */
export async function runReport(deps: { pool: Pool }, opts: ReportOptions): Promise<ReportRow[]> {
  const counts = await createReports(deps.pool).closureCounts(opts);
  const ratio = (n: number, d: number) => (d ? n / d : null);
  return counts.map((r) => ({
    department: r.department,
    district: r.district,
    closures: r.closures,
    atrsSent: r.atrsSent,
    delivered: r.delivered,
    read: r.read,
    feedback: r.feedback,
    satisfied: r.satisfied,
    feedbackRate: ratio(r.feedback, r.atrsSent),
    satisfactionRate: ratio(r.satisfied, r.feedback),
    escalations: r.escalations,
    smsFallbacks: r.smsFallbacks,
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
