/** What every ops command shares: the error that means "tell the operator and exit 1", streams, tables, times. */

/** A failure the operator can act on: the command prints its message (one line) and exits 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Where a command writes: process.stdout/stderr in the bin, a string collector in tests. */
export interface Writer {
  write(chunk: string): unknown;
  /** Set on a terminal; progress bars only draw there. */
  isTTY?: boolean;
}

/** A column of a text table; numbers read best right-aligned. */
export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** Terminal cells a string takes: Devanagari marks and other combining characters take none. */
function cellWidth(s: string): number {
  return [...s.replace(/[\p{Mn}\p{Me}\p{Cf}]/gu, '')].length;
}

function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - cellWidth(s)));
  return align === 'right' ? fill + s : s + fill;
}

/** Formats rows as an aligned text table with a header line; `footer` rows follow a rule (totals). */
export function formatTable(columns: readonly Column[], rows: readonly string[][], footer: readonly string[][] = []): string {
  const all = [columns.map((c) => c.header), ...rows, ...footer];
  const widths = columns.map((_, i) => Math.max(...all.map((r) => cellWidth(r[i] ?? ''))));
  const line = (r: readonly string[]) =>
    columns
      .map((c, i) => pad(r[i] ?? '', widths[i]!, c.align ?? 'left'))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(all[0]!), rule, ...rows.map(line), ...(footer.length ? [rule, ...footer.map(line)] : [])].join('\n') + '\n';
}

const IST_OFFSET_MS = 330 * 60_000;

/** An instant as Rajasthan reads it: "2026-11-28 14:05:33 IST"; "-" when unknown. */
export function istTime(at: string | Date | undefined | null): string {
  if (!at) return '-';
  const ms = (typeof at === 'string' ? Date.parse(at) : at.getTime()) + IST_OFFSET_MS;
  if (Number.isNaN(ms)) return String(at);
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} IST`;
}

/** A ratio as a percentage with one decimal; "-" when there is nothing to divide by. */
export function percent(rate: number | null): string {
  return rate === null ? '-' : `${(rate * 100).toFixed(1)}%`;
}

/** Prints a value as indented JSON with a final newline. */
export function writeJson(out: Writer, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}
