/**
 * The closures CSV that `backfill` imports: one row per closure, a header row naming the columns, UTF-8
 * (a BOM and Windows line endings are fine; Hindi as is). Each row maps onto the POST /v1/closures body
 * and is checked by the same schema, with errors named by CSV column and reported with the row's line.
 *
 * Columns (header names are case-sensitive; "optional" columns may be left empty or left out):
 *
 * | Column              | Required | Closure field        | Notes                                                      |
 * |---------------------|----------|----------------------|------------------------------------------------------------|
 * | grievanceId         | yes      | grievanceId          | 1-64 letters, digits, - or _                               |
 * | cycle               | no       | cycle                | whole number 1-99; empty means 1                           |
 * | atrNumber           | no       | atrNumber            | 1-40 letters, digits, /, - or _                            |
 * | registeredAt        | yes      | registeredAt         | ISO 8601, e.g. 2026-11-02T10:15:00+05:30; without an       |
 * | disposedAt          | yes      | disposedAt           | offset ("2026-11-02 10:15" or "...T10:15:00") it is IST    |
 * | departmentCode      | yes      | department.code      | 1-32 letters, digits, - or _                               |
 * | departmentNameEn    | yes      | department.nameEn    |                                                            |
 * | departmentNameHi    | no       | department.nameHi    |                                                            |
 * | districtCode        | yes      | district.code        |                                                            |
 * | districtNameEn      | yes      | district.nameEn      |                                                            |
 * | districtNameHi      | no       | district.nameHi      |                                                            |
 * | officerName         | yes      | officer.name         |                                                            |
 * | officerDesignation  | yes      | officer.designation  |                                                            |
 * | citizenName         | yes      | citizen.name         |                                                            |
 * | citizenPhone        | yes      | citizen.phone        | 10-digit mobile, 0/91-prefixed, or E.164 (+919876543210)   |
 * | citizenLanguage     | no       | citizen.language     | hi or en; empty means hi                                   |
 * | subject             | yes      | subject              |                                                            |
 * | actionTaken         | yes      | actionTaken          | may span lines inside double quotes                        |
 */
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { parse, type Info } from 'csv-parse';
import { AtrClient, ValidationError } from '../client';
import { GrievanceIdSchema, type Closure, type FieldError } from '../contracts/closure';
import { CliError } from './output';

/** One CSV column: its header name, where it goes in the closure, and whether a row must fill it. */
export interface CsvColumn {
  name: string;
  path: readonly string[];
  required: boolean;
}

const col = (name: string, path: string, required = true): CsvColumn => ({ name, path: path.split('.'), required });

/** The columns, in the order the example file uses. */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  col('grievanceId', 'grievanceId'),
  col('cycle', 'cycle', false),
  col('atrNumber', 'atrNumber', false),
  col('registeredAt', 'registeredAt'),
  col('disposedAt', 'disposedAt'),
  col('departmentCode', 'department.code'),
  col('departmentNameEn', 'department.nameEn'),
  col('departmentNameHi', 'department.nameHi', false),
  col('districtCode', 'district.code'),
  col('districtNameEn', 'district.nameEn'),
  col('districtNameHi', 'district.nameHi', false),
  col('officerName', 'officer.name'),
  col('officerDesignation', 'officer.designation'),
  col('citizenName', 'citizen.name'),
  col('citizenPhone', 'citizen.phone'),
  col('citizenLanguage', 'citizen.language', false),
  col('subject', 'subject'),
  col('actionTaken', 'actionTaken'),
];

const COLUMN_BY_PATH = new Map(CSV_COLUMNS.map((c) => [c.path.join('.'), c.name]));

/** A data row: the line it starts on (1 is the header) and its cells by column name. */
export interface CsvRow {
  line: number;
  cells: Record<string, string>;
  /** Set when the row has a different number of fields than the header. */
  fieldCountError?: string;
}

/** A row checked against the closure schema. */
export type CheckedRow =
  | { line: number; ok: true; closure: Closure }
  | { line: number; ok: false; grievanceId: string | null; cycle: number | null; errors: FieldError[] };

/** Reads the file's data rows in order, streaming; CliError for an unreadable file, a bad header or broken CSV. */
export async function* readCsvRows(file: string): AsyncGenerator<CsvRow> {
  const parser = parse({ info: true, skip_empty_lines: true, relax_column_count: true, max_record_size: 1_000_000 });
  const source = createReadStream(file);
  const decoded = source.pipe(new Utf8Lines(file));
  source.on('error', (err) => decoded.destroy(new CliError(`cannot read ${file}: ${err.message}`)));
  decoded.on('error', (err) => parser.destroy(err));
  decoded.pipe(parser);

  let header: string[] | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      if (!header) {
        header = checkHeader(file, record);
        continue;
      }
      if (record.every((cell) => cell.trim() === '')) continue; // spreadsheets export trailing ",,,," rows
      yield toRow(header, record, startLine(info.lines, record));
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`${file} is not valid CSV: ${(err as Error).message}`);
  } finally {
    source.destroy();
  }
  if (!header) throw new CliError(`${file} is empty: the first line must be the header (${CSV_COLUMNS.map((c) => c.name).join(',')})`);
}

/** csv-parse reports the line a record ends on; quoted line breaks inside it say how far back it started. */
function startLine(endLine: number, record: string[]): number {
  return endLine - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
}

function toRow(header: string[], record: string[], line: number): CsvRow {
  const cells: Record<string, string> = {};
  header.forEach((name, i) => {
    if (record[i] !== undefined) cells[name] = record[i]!;
  });
  return record.length === header.length ? { line, cells } : { line, cells, fieldCountError: `has ${record.length} fields; the header has ${header.length}` };
}

/** The header must name every required column, no unknown or repeated ones (a typo would silently drop data). */
function checkHeader(file: string, record: string[]): string[] {
  const names = record.map((h) => h.trim());
  if (names.length === 1 && /[;\t|]/.test(names[0]!)) {
    throw new CliError(`${file}: the header is not comma-separated; save the sheet as "CSV UTF-8 (comma delimited)"`);
  }
  const known = new Set(CSV_COLUMNS.map((c) => c.name));
  const unknown = names.filter((n) => !known.has(n));
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  const missing = CSV_COLUMNS.filter((c) => c.required && !names.includes(c.name)).map((c) => c.name);
  const problems = [
    missing.length ? `missing column(s) ${missing.join(', ')}` : '',
    unknown.length ? `unknown column(s) ${unknown.map((n) => JSON.stringify(n)).join(', ')}` : '',
    repeated.length ? `repeated column(s) ${[...new Set(repeated)].join(', ')}` : '',
  ].filter(Boolean);
  if (problems.length) throw new CliError(`${file} line 1 (header): ${problems.join('; ')}. Columns: ${CSV_COLUMNS.map((c) => c.name).join(',')}`);
  return names;
}

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d{1,3})?)?$/;

/** Portal exports often drop the offset; Rajasthan's clock is IST, so a bare local time is read as +05:30. */
export function normalizeDateTime(value: string): string {
  const m = LOCAL_DATE_TIME.exec(value);
  return m ? `${m[1]}T${m[2]}${m[3] ?? ':00'}+05:30` : value;
}

/** Maps a row's cells onto the closure shape of POST /v1/closures; empty cells are left out. */
export function rowToClosureInput(cells: Record<string, string>): { input: Record<string, unknown>; errors: FieldError[] } {
  const input: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const column of CSV_COLUMNS) {
    const raw = cells[column.name]?.trim();
    if (!raw) continue;
    let value: unknown = raw;
    if (column.name === 'cycle') {
      if (!/^\d{1,3}$/.test(raw)) {
        errors.push({ field: column.name, message: 'must be a whole number' });
        continue;
      }
      value = Number(raw);
    } else if (column.name === 'registeredAt' || column.name === 'disposedAt') {
      value = normalizeDateTime(raw);
    } else if (column.name === 'citizenLanguage') {
      value = raw.toLowerCase();
    }
    setPath(input, column.path, value);
  }
  return { input, errors };
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
}

/** Checks one row with the client's own validation; errors name CSV columns, not closure paths. */
export function checkRow(row: CsvRow): CheckedRow {
  const { input, errors } = rowToClosureInput(row.cells);
  if (row.fieldCountError) errors.unshift({ field: '(row)', message: row.fieldCountError });
  // Only a well-formed id is echoed: a shifted column could put a phone number or a name here.
  const id = GrievanceIdSchema.safeParse(row.cells.grievanceId ?? '');
  const identity = { grievanceId: id.success ? id.data : null, cycle: typeof input.cycle === 'number' ? input.cycle : errors.length ? null : 1 };
  try {
    const closure = AtrClient.validateClosure(input);
    if (errors.length) return { line: row.line, ok: false, ...identity, errors };
    return { line: row.line, ok: true, closure };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const reported = new Set(errors.map((e) => e.field));
    const schemaErrors = err.fields.map((f) => ({ field: COLUMN_BY_PATH.get(f.field) ?? f.field, message: f.message })).filter((f) => !reported.has(f.field));
    return { line: row.line, ok: false, ...identity, errors: [...errors, ...schemaErrors] };
  }
}

/**
 * Decodes strict UTF-8 (a byte that is not UTF-8 stops the import instead of turning Hindi into "?")
 * and turns CRLF and CR into LF, so csv-parse's line count is the line a spreadsheet shows.
 */
class Utf8Lines extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  private pendingCr = false;
  private lines = 1;

  constructor(private readonly file: string) {
    super({ readableObjectMode: false, decodeStrings: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.pushText(chunk, true, done);
  }

  override _flush(done: TransformCallback): void {
    this.pushText(Buffer.alloc(0), false, done);
  }

  private pushText(chunk: Buffer, stream: boolean, done: TransformCallback): void {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream });
    } catch {
      done(new CliError(`${this.file} is not UTF-8 text (at or after line ${this.lines}); save it as "CSV UTF-8"`));
      return;
    }
    if (this.pendingCr) text = `\r${text}`;
    this.pendingCr = stream && text.endsWith('\r');
    if (this.pendingCr) text = text.slice(0, -1);
    const normalized = text.replace(/\r\n?/g, '\n');
    this.lines += normalized.match(/\n/g)?.length ?? 0;
    done(null, normalized);
  }
}
