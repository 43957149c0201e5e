/**
 * Small-number suppression for the public figures. Primary: any count of 1 to 4 grievances is withheld ("<5");
 * 0 is shown, as an empty group names no one. Complementary: wherever counts add up to a total (satisfied + not
 * satisfied = feedback; level 1 + 2 + 3 = escalated; a department's districts = the department; departments =
 * districts = days = the state), an equation with exactly one withheld member would give it away by subtraction,
 * so one more member is withheld: the smallest published part (least lost; parts before the total, so one small
 * district does not hide the state's figure while a sibling can cover it), the total when no part is left. This
 * repeats until no equation has exactly one. It is the usual heuristic of statistical offices: no single equation
 * reveals a withheld count, though it does not bound what a linear program over all of them could narrow one to.
 */

/** Counts under this (and above 0) are withheld, shown "<5". */
export const SUPPRESS_BELOW = 5;

/** Why a figure is withheld: it is small, or it would reveal a small one by subtraction. */
export type SuppressionReason = 'small' | 'complementary';

/** A count in the tables; `hidden`: never published itself (an implicit difference), but small ones must stay secret. */
export interface Cell {
  value: number;
  suppressed: SuppressionReason | null;
  hidden?: boolean;
}

/** Cells that add up: a total and its parts. */
export interface Equation {
  total: Cell;
  parts: readonly Cell[];
}

/** Whether a count is small enough to identify someone. */
export const isSmall = (value: number) => value > 0 && value < SUPPRESS_BELOW;

/** A published count as a cell, withheld if small. */
export function cell(value: number): Cell {
  return { value, suppressed: isSmall(value) ? 'small' : null };
}

/** A count that is never published but follows from published ones (e.g. a day's "not satisfied" = feedback - satisfied). */
export function hiddenCell(value: number): Cell {
  return { value, suppressed: isSmall(value) ? 'small' : null, hidden: true };
}

/** Withholds, in place, complementary cells until no equation has exactly one withheld member. Returns how many. */
export function suppressComplementary(equations: readonly Equation[]): number {
  let added = 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (const { total, parts } of equations) {
      if ([total, ...parts].filter((c) => c.suppressed).length !== 1) continue;
      const open = parts.filter((c) => !c.suppressed && !c.hidden);
      const pick = open.length ? open.reduce((a, b) => (b.value < a.value ? b : a)) : total;
      if (pick.suppressed || pick.hidden) continue;
      pick.suppressed = 'complementary';
      added++;
      changed = true;
    }
  }
  return added;
}

/** The published form of a cell: its value, or null when withheld. */
export function published(c: Cell): number | null {
  return c.suppressed ? null : c.value;
}
