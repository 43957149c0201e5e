/**
 * The public figures of a period, from the rollup's sums: per department and district, department, district and
 * the state, and a state-wide trend per day, with rates, the median disposal-to-phone time and small-number
 * suppression (suppression.ts). What the page, data.csv and data.json all show, computed once per request.
 */
import { LATENCY_BUCKET_EDGES_MINUTES, type Counts, type DayCounts, type GroupCounts, type PlaceName } from '../../db/repositories/transparency';
import { cell, hiddenCell, published, suppressComplementary, SUPPRESS_BELOW, type Cell, type Equation, type SuppressionReason } from './suppression';

/** The counts published per row, in column order. */
export const COUNT_FIELDS = ['disposed', 'delivered', 'feedback', 'satisfied', 'notSatisfied', 'escalated', 'escalatedL1', 'escalatedL2', 'escalatedL3', 'resolvedWithinSla', 'breached'] as const;
/** A published count's name. */
export type CountField = (typeof COUNT_FIELDS)[number];
/** Figures derived from the counts, in column order. */
export const DERIVED_FIELDS = ['medianMinutesToPhone', 'feedbackRate', 'satisfiedShare', 'escalatedShare'] as const;
/** A derived figure's name. */
export type DerivedField = (typeof DERIVED_FIELDS)[number];

/** Which totals a row is. */
export type RowLevel = 'state' | 'department' | 'district' | 'department_district';

/** Withheld figures of a row and why (a derived figure of a withheld count is 'complementary'). */
export type Withheld = Partial<Record<CountField | DerivedField | 'deliveredShare', SuppressionReason>>;

/** One published row. A withheld figure is null and named in `suppressed`; a ladder figure not yet recorded is null and not named. */
export type PublicRow = {
  level: RowLevel;
  departmentCode: string | null;
  departmentNameEn: string | null;
  departmentNameHi: string | null;
  districtCode: string | null;
  districtNameEn: string | null;
  districtNameHi: string | null;
  suppressed: Withheld;
} & Record<CountField | DerivedField, number | null>;

/** One day of the state-wide trend. */
export interface PublicDay {
  day: string;
  disposed: number | null;
  delivered: number | null;
  feedback: number | null;
  satisfied: number | null;
  /** Delivered ÷ disposed. */
  deliveredShare: number | null;
  satisfiedShare: number | null;
  suppressed: Withheld;
}

/** A period's published figures. */
export interface PublicFigures {
  from: string;
  to: string;
  refreshedAt: string | null;
  suppressBelow: number;
  rows: PublicRow[];
  trend: PublicDay[];
}

/**
 * Median disposal-to-phone time in minutes from bucket counts, interpolated linearly inside the bucket that
 * holds the middle ATR: exact to within that bucket (e.g. 60–120 min); in the open last bucket, its lower edge.
 */
export function medianMinutes(latency: readonly number[]): number | null {
  const total = latency.reduce((a, b) => a + b, 0);
  if (!total) return null;
  const half = total / 2;
  let below = 0;
  for (let i = 0; i < latency.length; i++) {
    const n = latency[i]!;
    if (below + n >= half && n > 0) {
      const lo = LATENCY_BUCKET_EDGES_MINUTES[i]!;
      const hi = LATENCY_BUCKET_EDGES_MINUTES[i + 1];
      return hi === undefined ? lo : Math.round(lo + ((half - below) / n) * (hi - lo));
    }
    below += n;
  }
  return null;
}

const ratio = (num: number | null, den: number | null) => (num === null || den === null || den === 0 ? null : Math.round((num / den) * 1000) / 1000);

interface Working {
  level: RowLevel;
  group: GroupCounts;
  cells: Partial<Record<CountField, Cell>>;
}

function countsOf(c: Counts): Record<CountField, number | null> {
  return { ...c, escalated: c.escalatedL1 + c.escalatedL2 + c.escalatedL3 };
}

function working(group: GroupCounts): Working {
  const level: RowLevel = group.departmentCode && group.districtCode ? 'department_district' : group.departmentCode ? 'department' : group.districtCode ? 'district' : 'state';
  const counts = countsOf(group);
  const cells: Working['cells'] = {};
  for (const f of COUNT_FIELDS) if (counts[f] !== null) cells[f] = cell(counts[f]!);
  return { level, group, cells };
}

/** Every equation among the rows: within a row, and each department's, district's and the state's sums. */
function equations(rows: Working[], days: Record<string, Cell>[], state: Working | undefined): Equation[] {
  const eqs: Equation[] = [];
  const add = (total: Cell | undefined, parts: (Cell | undefined)[]) => {
    const present = parts.filter((c): c is Cell => c !== undefined);
    if (total && present.length) eqs.push({ total, parts: present });
  };
  for (const { cells: c } of rows) {
    add(c.feedback, [c.satisfied, c.notSatisfied]);
    add(c.escalated, [c.escalatedL1, c.escalatedL2, c.escalatedL3]);
  }
  const by = (level: RowLevel) => rows.filter((w) => w.level === level);
  const cellsOf = by('department_district');
  for (const f of COUNT_FIELDS) {
    for (const d of by('department')) add(d.cells[f], cellsOf.filter((c) => c.group.departmentCode === d.group.departmentCode).map((c) => c.cells[f]));
    for (const x of by('district')) add(x.cells[f], cellsOf.filter((c) => c.group.districtCode === x.group.districtCode).map((c) => c.cells[f]));
    if (!state) continue;
    add(state.cells[f], by('department').map((d) => d.cells[f]));
    add(state.cells[f], by('district').map((d) => d.cells[f]));
    add(state.cells[f], days.map((d) => d[f]));
  }
  // A day publishes feedback and satisfied only: its "not satisfied" is their difference, and must not be small.
  for (const d of days) add(d.feedback, [d.satisfied, d.notSatisfied]);
  return eqs;
}

const LEVEL_ORDER: RowLevel[] = ['state', 'department', 'district', 'department_district'];
const byPlace = (a: Working, b: Working) =>
  LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level) ||
  (a.group.departmentCode ?? '').localeCompare(b.group.departmentCode ?? '') ||
  (a.group.districtCode ?? '').localeCompare(b.group.districtCode ?? '');

/** The period's figures, suppressed, from the rollup's sums and the places' names. */
export function publicFigures(input: { from: string; to: string; refreshedAt: Date | null; groups: GroupCounts[]; days: DayCounts[]; names: PlaceName[] }): PublicFigures {
  // A fixed order, so the same figures always withhold the same cells.
  const rows = input.groups.map(working).sort(byPlace);
  const state = rows.find((w) => w.level === 'state');
  const dayCells = input.days.map(
    (d) => ({ disposed: cell(d.disposed), delivered: cell(d.delivered), feedback: cell(d.feedback), satisfied: cell(d.satisfied), notSatisfied: hiddenCell(d.notSatisfied) }) as Record<string, Cell>,
  );
  suppressComplementary(equations(rows, dayCells, state));
  const name = (kind: PlaceName['kind'], code: string | null) => input.names.find((n) => n.kind === kind && n.code === code);
  const out = rows.map((w) => toRow(w, name('department', w.group.departmentCode), name('district', w.group.districtCode)));
  const trend = input.days.map((d, i): PublicDay => {
    const c = dayCells[i]!;
    const v = (f: string) => published(c[f]!);
    const suppressed: Withheld = {};
    for (const f of ['disposed', 'delivered', 'feedback', 'satisfied'] as const) if (c[f]!.suppressed) suppressed[f] = c[f]!.suppressed!;
    const deliveredShare = ratio(v('delivered'), v('disposed'));
    const satisfiedShare = ratio(v('satisfied'), v('feedback'));
    if (c.delivered!.suppressed || c.disposed!.suppressed) suppressed.deliveredShare = 'complementary';
    if (c.satisfied!.suppressed || c.feedback!.suppressed) suppressed.satisfiedShare = 'complementary';
    return { day: d.day, disposed: v('disposed'), delivered: v('delivered'), feedback: v('feedback'), satisfied: v('satisfied'), deliveredShare, satisfiedShare, suppressed };
  });
  return { from: input.from, to: input.to, refreshedAt: input.refreshedAt?.toISOString() ?? null, suppressBelow: SUPPRESS_BELOW, rows: out, trend };
}

function toRow(w: Working, dept: PlaceName | undefined, dist: PlaceName | undefined): PublicRow {
  const v = (f: CountField) => (w.cells[f] ? published(w.cells[f]!) : null);
  const suppressed: Withheld = {};
  for (const f of COUNT_FIELDS) if (w.cells[f]?.suppressed) suppressed[f] = w.cells[f]!.suppressed!;
  const derived = (f: DerivedField, value: number | null, from: CountField[]) => {
    // A rate of two published counts reveals nothing more; one of a withheld count would reveal it.
    if (from.some((c) => w.cells[c]?.suppressed)) {
      suppressed[f] = 'complementary';
      return null;
    }
    return value;
  };
  return {
    level: w.level,
    departmentCode: w.group.departmentCode,
    departmentNameEn: dept?.nameEn ?? null,
    departmentNameHi: dept?.nameHi ?? null,
    districtCode: w.group.districtCode,
    districtNameEn: dist?.nameEn ?? null,
    districtNameHi: dist?.nameHi ?? null,
    ...(Object.fromEntries(COUNT_FIELDS.map((f) => [f, v(f)])) as Record<CountField, number | null>),
    medianMinutesToPhone: derived('medianMinutesToPhone', medianMinutes(w.group.latency), ['delivered']),
    feedbackRate: derived('feedbackRate', ratio(v('feedback'), v('delivered')), ['feedback', 'delivered']),
    satisfiedShare: derived('satisfiedShare', ratio(v('satisfied'), v('feedback')), ['satisfied', 'feedback']),
    escalatedShare: derived('escalatedShare', ratio(v('escalated'), v('feedback')), ['escalated', 'feedback']),
    suppressed,
  };
}
