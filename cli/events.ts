/**
 * `sampark-atr events`: the portal's event feed as ops see it. Without options, the backlog: counts by status and
 * type, how long the oldest pending event has waited, and the latest events the portal refused (with its reason).
 * `--grievance ID` lists one grievance's events in order. `events replay --since <ISO time> [--grievance ID]` sends
 * delivered and refused events again from that moment, under their own ids, so the portal drops what it has.
 */
import type { Pool } from 'pg';
import { GrievanceIdSchema } from '../contracts/closure';
import { createPortalEventRepository, type PortalEventBacklog, type StoredPortalEvent } from '../db/repositories/portal-events';
import { CliError, formatTable, istTime, writeJson, type Writer } from './output';

/** Reads a grievance id option, or says what is wrong with it. */
export function parseEventsGrievance(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const parsed = GrievanceIdSchema.safeParse(raw);
  if (!parsed.success) throw new CliError(`--grievance: ${parsed.error.issues[0]?.message ?? 'not a grievance id'}`);
  return parsed.data;
}

/** Reads `--since`: an ISO 8601 time with a date, not in the future. */
export function parseSince(raw: string, now = new Date()): Date {
  const at = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(NaN);
  if (Number.isNaN(at.getTime())) throw new CliError(`--since: "${raw}" is not an ISO 8601 time (e.g. 2026-12-01T09:00:00+05:30)`);
  if (at.getTime() > now.getTime()) throw new CliError(`--since: ${raw} is in the future`);
  return at;
}

/** The backlog, or one grievance's events. */
export async function runEvents(deps: { pool: Pool }, opts: { grievanceId?: string }): Promise<{ backlog: PortalEventBacklog } | { grievanceId: string; events: StoredPortalEvent[] }> {
  const events = createPortalEventRepository(deps.pool);
  return opts.grievanceId ? { grievanceId: opts.grievanceId, events: await events.forGrievance(opts.grievanceId) } : { backlog: await events.backlog() };
}

/** Queues events again from a point in time; returns how many. */
export async function runEventsReplay(deps: { pool: Pool }, opts: { since: Date; grievanceId?: string }): Promise<{ requeued: number; since: string; grievanceId: string | null }> {
  const requeued = await createPortalEventRepository(deps.pool).replay(opts.since, opts.grievanceId);
  return { requeued, since: opts.since.toISOString(), grievanceId: opts.grievanceId ?? null };
}

/** Prints the backlog or a grievance's events for a person, or as JSON. */
export function printEvents(result: Awaited<ReturnType<typeof runEvents>>, out: Writer, json = false, now = new Date()): void {
  if (json) return writeJson(out, result);
  if ('events' in result) {
    out.write(`Events of grievance ${result.grievanceId}\n`);
    if (!result.events.length) {
      out.write('  (none)\n');
      return;
    }
    const rows = result.events.map((e) => [String(e.sequence), e.type, String(e.cycle), istTime(e.occurredAt), e.status, String(e.attempts), e.deliveredAt ? istTime(e.deliveredAt) : '', e.lastError ?? '']);
    const columns = [{ header: 'SEQ', align: 'right' as const }, { header: 'TYPE' }, { header: 'CYCLE', align: 'right' as const }, { header: 'OCCURRED' }, { header: 'STATUS' }, { header: 'ATTEMPTS', align: 'right' as const }, { header: 'DELIVERED' }, { header: 'LAST ERROR' }];
    out.write(formatTable(columns, rows));
    return;
  }
  const { byStatus, pending, oldestPendingAt, recentRejected } = result.backlog;
  const waited = oldestPendingAt ? ` (oldest from ${istTime(oldestPendingAt)}, ${Math.max(0, Math.round((now.getTime() - Date.parse(oldestPendingAt)) / 60_000))} min ago)` : '';
  out.write(`Events to the portal: ${pending} pending${waited}\n`);
  if (byStatus.length) out.write(formatTable([{ header: 'STATUS' }, { header: 'TYPE' }, { header: 'COUNT', align: 'right' }], byStatus.map((r) => [r.status, r.type, String(r.count)])));
  if (recentRejected.length) {
    out.write('\nRefused by the portal (latest first; `events replay --since` sends them again once it is fixed)\n');
    out.write(formatTable([{ header: 'OCCURRED' }, { header: 'GRIEVANCE' }, { header: 'TYPE' }, { header: 'REASON' }], recentRejected.map((r) => [istTime(r.at), r.grievanceId, r.type, r.lastError ?? ''])));
  }
}

/** Prints what a replay queued. */
export function printEventsReplay(result: Awaited<ReturnType<typeof runEventsReplay>>, out: Writer, json = false): void {
  if (json) return writeJson(out, result);
  out.write(`${result.requeued} event(s) since ${istTime(result.since)}${result.grievanceId ? ` of grievance ${result.grievanceId}` : ''} queued to be sent again (same ids: the portal drops what it has)\n`);
}
