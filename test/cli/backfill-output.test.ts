/** What `backfill` shows while and after it runs: progress on stderr or a terminal bar, the summary or JSON. */
import { printBackfill, runBackfill, type BackfillResult } from '../../cli/backfill';
import { capture, csvRow, writeCsv } from './support';

test('writes one-line progress to stderr when it is not a terminal', async () => {
  const file = writeCsv([csvRow(), csvRow({ citizenPhone: 'x' }), csvRow()]);
  const progress = capture(false);
  await runBackfill({ progress, progressIntervalMs: 0 }, { file, ratePerSecond: 20, dryRun: true });
  const lines = progress.text().trimEnd().split('\n');
  expect(lines[lines.length - 1]).toBe('backfill: 3/3 rows (100%): 0 started, 0 already started, 1 invalid, 0 failed');
  expect(lines[0]).toBe('backfill: 1/3 rows (33%): 0 started, 0 already started, 0 invalid, 0 failed');
  expect(progress.text()).not.toContain('\u001b['); // no terminal escapes in a log file
});

test('draws a progress bar on a terminal and writes problem rows above it', async () => {
  const file = writeCsv([csvRow(), csvRow({ citizenPhone: 'x' })]);
  const terminal = Object.assign(capture(true), { columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  const result: BackfillResult = await runBackfill({ progress: terminal, out: terminal }, { file, ratePerSecond: 20, dryRun: true });
  expect(result.summary.invalid).toBe(1);
  expect(terminal.text()).toMatch(/backfill \[[█░]+\] 100% \| 2\/2 rows \| 0 started, 0 already, 1 invalid, 0 failed/);
  expect(terminal.text()).toContain('line 3 (grievance');
});

test('prints a summary of started, already started, invalid and failed rows, or the whole result as JSON', () => {
  const result: BackfillResult = {
    file: 'closures.csv',
    dryRun: false,
    summary: { rows: 10, valid: 8, started: 5, alreadyStarted: 2, invalid: 2, failed: 1 },
    invalid: [],
    failed: [],
  };
  const out = capture();
  printBackfill(result, out);
  expect(out.text()).toBe(
    'Backfill of closures.csv: 10 row(s)\n  started               5\n  already started       2\n  invalid               2\n  failed                1\n',
  );
  const json = capture();
  printBackfill(result, json, true);
  expect(JSON.parse(json.text())).toEqual(result);
});
