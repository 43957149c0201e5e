/**
 * Small-number suppression: small counts are withheld, and no total lets a withheld count be worked out by
 * subtraction, within a row (satisfied + not satisfied = feedback) and across a table with its margins.
 */
import { cell, hiddenCell, suppressComplementary, type Cell, type Equation } from '../../../api/transparency/suppression';

const withheld = (cells: Cell[]) => cells.map((c) => c.suppressed);

test('counts of 1 to 4 are withheld as small; 0 and 5 are shown', () => {
  expect(withheld([cell(0), cell(1), cell(4), cell(5), cell(120)])).toEqual([null, 'small', 'small', null, null]);
});

test('a row with one small part withholds the next smallest part, so the total minus the rest reveals nothing', () => {
  const [feedback, satisfied, notSatisfied] = [cell(40), cell(37), cell(3)];
  expect(suppressComplementary([{ total: feedback, parts: [satisfied, notSatisfied] }])).toBe(1);
  expect(withheld([feedback, satisfied, notSatisfied])).toEqual([null, 'complementary', 'small']);
});

test('the smallest published part is chosen, and the total only when no part is left', () => {
  const parts = [cell(50), cell(2), cell(9), cell(30)];
  const total = cell(91);
  suppressComplementary([{ total, parts }]);
  expect(withheld([total, ...parts])).toEqual([null, null, 'small', 'complementary', null]);

  const lone = { total: cell(7), parts: [cell(3)] };
  suppressComplementary([lone]);
  expect(withheld([lone.total, ...lone.parts])).toEqual(['complementary', 'small']);
});

test('two small parts already protect each other: nothing more is withheld', () => {
  const eq = { total: cell(20), parts: [cell(2), cell(3), cell(15)] };
  expect(suppressComplementary([eq])).toBe(0);
});

test('a hidden difference that is small forces a published part to be withheld, and is never itself "withheld"', () => {
  // A day's feedback 12 and satisfied 9 would reveal 3 not satisfied.
  const day = { total: cell(12), parts: [cell(9), hiddenCell(3)] };
  suppressComplementary([day]);
  expect(withheld([day.total, ...day.parts])).toEqual([null, 'complementary', 'small']);
});

test('across a table with margins, every row and column equation ends with none or at least two withheld', () => {
  // Departments (rows) by districts (columns), with row totals, column totals and the grand total.
  const grid = [
    [20, 3, 40],
    [15, 25, 30],
    [8, 12, 2],
  ].map((row) => row.map(cell));
  const rowTotals = grid.map((row) => cell(row.reduce((a, c) => a + c.value, 0)));
  const colTotals = [0, 1, 2].map((j) => cell(grid.reduce((a, row) => a + row[j]!.value, 0)));
  const grand = cell(rowTotals.reduce((a, c) => a + c.value, 0));
  const eqs: Equation[] = [
    ...grid.map((row, i) => ({ total: rowTotals[i]!, parts: row })),
    ...colTotals.map((total, j) => ({ total, parts: grid.map((row) => row[j]!) })),
    { total: grand, parts: rowTotals },
    { total: grand, parts: colTotals },
  ];
  suppressComplementary(eqs);
  for (const eq of eqs) expect([eq.total, ...eq.parts].filter((c) => c.suppressed).length).not.toBe(1);
  // The 3 and the 2 are small; by subtraction neither can be recovered from its row or its column.
  expect(grid[0]![1]!.suppressed).toBe('small');
  expect(grid[2]![2]!.suppressed).toBe('small');
  expect(grand.suppressed).toBeNull();
});
