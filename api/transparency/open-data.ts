/**
 * The open data: the page's figures as CSV and JSON at stable URLs, one row per state, department, district and
 * department-in-district, with every column documented here (the JSON carries this list; README repeats it).
 */
import { COUNT_FIELDS, DERIVED_FIELDS, type PublicFigures, type PublicRow } from './figures';

/** One documented column. */
export interface ColumnDoc {
  name: string;
  type: 'string' | 'integer' | 'number' | 'date';
  description: string;
}

/** Every column of data.csv, in order (data.json's rows have the same keys, `suppressed` as an array). */
export const COLUMNS: readonly ColumnDoc[] = [
  { name: 'from', type: 'date', description: 'First IST day of disposal in the period (YYYY-MM-DD).' },
  { name: 'to', type: 'date', description: 'Last IST day of disposal in the period, inclusive.' },
  { name: 'level', type: 'string', description: 'Which total the row is: state, department, district, or department_district.' },
  { name: 'departmentCode', type: 'string', description: "The portal's department code (empty for state and district rows)." },
  { name: 'departmentNameEn', type: 'string', description: 'Department name in English.' },
  { name: 'departmentNameHi', type: 'string', description: 'Department name in Hindi.' },
  { name: 'districtCode', type: 'string', description: "The portal's district code (empty for state and department rows)." },
  { name: 'districtNameEn', type: 'string', description: 'District name in English.' },
  { name: 'districtNameHi', type: 'string', description: 'District name in Hindi.' },
  { name: 'disposed', type: 'integer', description: 'Closures (a grievance disposed of, per cycle) in the period.' },
  { name: 'delivered', type: 'integer', description: "Of those, ATRs WhatsApp reported delivered or read on the citizen's phone." },
  { name: 'feedback', type: 'integer', description: "Closures with the citizen's answer (the first within the feedback window)." },
  { name: 'satisfied', type: 'integer', description: 'Answers "satisfied".' },
  { name: 'notSatisfied', type: 'integer', description: 'Answers "not satisfied" (feedback = satisfied + notSatisfied).' },
  { name: 'escalated', type: 'integer', description: 'Closures escalated after "not satisfied" (= escalatedL1 + escalatedL2 + escalatedL3).' },
  { name: 'escalatedL1', type: 'integer', description: 'Escalated at level 1 (the department).' },
  { name: 'escalatedL2', type: 'integer', description: 'Escalated at level 2 (the district collector).' },
  { name: 'escalatedL3', type: 'integer', description: 'Escalated at level 3 (the state).' },
  { name: 'resolvedWithinSla', type: 'integer', description: 'Escalations of these closures that ended resolved (by a new disposal) at the level they were raised at, before any SLA passed.' },
  { name: 'breached', type: 'integer', description: "Escalations of these closures that passed the state's SLA too, with nobody acting." },
  { name: 'medianMinutesToPhone', type: 'integer', description: "Median minutes from disposal to the ATR on the citizen's phone, from fixed buckets: exact to within its bucket (0-5, 5-15, 15-30, 30-60 min, 1-2, 2-4, 4-8, 8-12, 12-18, 18-24, 24-36, 36-48, 48-72, 72-120, 120-168 h, 168 h and more)." },
  { name: 'feedbackRate', type: 'number', description: 'feedback ÷ delivered (0 to 1, three decimals).' },
  { name: 'satisfiedShare', type: 'number', description: 'satisfied ÷ feedback.' },
  { name: 'escalatedShare', type: 'number', description: 'escalated ÷ feedback.' },
  { name: 'suppressed', type: 'string', description: 'The columns withheld for privacy and why, "column:small" (1 to 4 grievances, shown "<5") or "column:complementary" (would reveal a small one by subtraction from a total, shown "x"), separated by ";". In JSON: the value is null and `suppressed` maps the column to its reason.' },
];

/** The JSON document: the figures and the columns that describe them. */
export function toJson(f: PublicFigures): object {
  return { ...f, columns: COLUMNS };
}

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The CSV: a header of COLUMNS' names, one line per row; withheld figures "<5", figures not recorded empty. */
export function toCsv(f: PublicFigures): string {
  const value = (row: PublicRow, name: string): string => {
    if (name === 'from') return f.from;
    if (name === 'to') return f.to;
    if (name === 'suppressed') return Object.entries(row.suppressed).map(([k, why]) => `${k}:${why}`).join(';');
    const why = row.suppressed[name as keyof PublicRow['suppressed']];
    if (why) return why === 'small' ? '<5' : 'x';
    const v = row[name as keyof PublicRow];
    return v === null || v === undefined ? '' : String(v);
  };
  const lines = [COLUMNS.map((c) => c.name).join(','), ...f.rows.map((row) => COLUMNS.map((c) => csvField(value(row, c.name))).join(','))];
  // A byte-order mark so spreadsheet programs read the Hindi names as UTF-8.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Every count and derived column is documented (a guard for whoever adds one). */
export const DOCUMENTED = [...COUNT_FIELDS, ...DERIVED_FIELDS].every((f) => COLUMNS.some((c) => c.name === f));
