/**
 * `sampark-atr escalations` (the ladder from the read model: ids, levels, statuses, SLA due; no personal data) and
 * `sampark-atr officers import <file.csv>` (the officers' directory: every row checked, bad rows reported by line
 * and field, nothing written unless all are good; good rows are upserted by officer id).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Pool } from 'pg';
import { toFieldErrors } from '../contracts/closure';
import type { EscalationFilter } from '../contracts/escalation';
import { EscalationFilterSchema } from '../contracts/escalation-actions';
import { OfficerSchema, type Officer } from '../contracts/officers';
import { createEscalationRepository } from '../db/repositories/escalations';
import { createOfficerRepository } from '../db/repositories/officers';
import { CliError, formatTable, istTime, type Writer } from './output';

/** The list's options as commander gives them. */
export interface EscalationListOptions {
  level?: string;
  status?: string;
  department?: string;
  district?: string;
  overdue?: boolean;
}

/** Prints the escalations matching the filters, most urgent SLA first (times in IST). A bad filter names its option. */
export async function listEscalations(pool: Pool, opts: EscalationListOptions, out: Writer, json = false): Promise<number> {
  const parsed = EscalationFilterSchema.safeParse({
    ...(opts.level ? { level: opts.level } : {}),
    ...(opts.status ? { status: opts.status.toUpperCase() } : {}),
    ...(opts.department ? { departmentCode: opts.department } : {}),
    ...(opts.district ? { districtCode: opts.district } : {}),
    ...(opts.overdue ? { slaDueBefore: new Date().toISOString() } : {}),
  });
  if (!parsed.success) throw new CliError(`bad filter: ${toFieldErrors(parsed.error).map((f) => `${OPTION_OF[f.field] ?? f.field} ${f.message}`).join('; ')}`);
  const rows = await createEscalationRepository(pool).listEscalations(null, parsed.data as EscalationFilter);
  if (json) {
    out.write(`${JSON.stringify(rows.map(({ reason: _reason, ...r }) => r), null, 2)}\n`);
    return rows.length;
  }
  const columns = ['ESCALATION', 'GRIEVANCE', 'CYCLE', 'LEVEL', 'STATUS', 'DEPARTMENT', 'DISTRICT', 'SLA DUE'].map((header) => ({ header }));
  const cells = rows.map((r) => [r.escalationId, r.grievanceId, String(r.cycle), `${r.level}${r.vigilance ? ' (vigilance)' : ''}`, r.status, r.departmentCode, r.districtCode, istTime(r.slaDueAt)]);
  out.write(rows.length ? formatTable(columns, cells) : 'No escalations match.\n');
  return rows.length;
}

/** The command-line option behind each filter field, for error messages. */
const OPTION_OF: Record<string, string> = { level: '--level', status: '--status', departmentCode: '--department', districtCode: '--district' };

/** One bad CSV row: its line in the file, and each bad field. */
export interface BadOfficerRow {
  line: number;
  fields: { field: string; message: string }[];
}

/** Checks every row of an officers CSV (header: officerId,name,role,departmentCode,districtCode,whatsappPhone,active). */
export function parseOfficersCsv(text: string): { officers: Officer[]; bad: BadOfficerRow[] } {
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true }) as { record: Record<string, string>; info: { lines: number } }[];
  const officers: Officer[] = [];
  const bad: BadOfficerRow[] = [];
  for (const { record, info } of records) {
    const result = OfficerSchema.safeParse(record);
    if (result.success) officers.push(result.data);
    else bad.push({ line: info.lines, fields: toFieldErrors(result.error) });
  }
  return { officers, bad };
}

/** Imports an officers CSV: all rows or none. Returns what was done, or the bad rows. */
export async function importOfficers(pool: Pool, file: string): Promise<{ inserted: number; updated: number; bad: BadOfficerRow[] }> {
  const { officers, bad } = parseOfficersCsv(await readFile(file, 'utf8'));
  if (bad.length) return { inserted: 0, updated: 0, bad };
  return { ...(await createOfficerRepository(pool).upsertOfficers(officers)), bad };
}
