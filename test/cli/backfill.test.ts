/**
 * `backfill` on the dev server with a real worker: CSV files written to a temp folder, rows validated
 * like POST /v1/closures, starts that are idempotent, paced and retried, and progress on stderr.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ServiceError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { AtrClient } from '../../client';
import { atrWorkflowId } from '../../contracts/workflow';
import { backfillExitCode, parseRate, printBackfill, runBackfill, type BackfillResult } from '../../cli/backfill';
import { CSV_COLUMNS, checkRow, readCsvRows } from '../../cli/closures-csv';
import { CliError } from '../../cli/output';
import { PROJECT_ROOT } from '../../lib/paths';
import { testPool } from '../helpers/db';
import { runWithWorker, useDevServer } from '../helpers/temporal';
import { capture, csvRow, eventually, writeCsv } from './support';

const dev = useDevServer();

const EXAMPLE = path.join(PROJECT_ROOT, 'examples', 'closures.csv');
const fast = { ratePerSecond: 1000, dryRun: false };

/** Ends the workflows a test started (they would otherwise wait for feedback for a week). */
async function terminate(client: Client, rows: Record<string, string>[]): Promise<void> {
  for (const r of rows) {
    await client.workflow
      .getHandle(atrWorkflowId(r.grievanceId!, Number(r.cycle || 1)))
      .terminate('test finished')
      .catch(() => undefined);
  }
}

/** The executions visibility knows for a grievance (polled until at least one shows). */
async function executionsOf(client: Client, grievanceId: string): Promise<string[]> {
  return eventually(async () => {
    const ids: string[] = [];
    for await (const wf of client.workflow.list({ query: `GrievanceId = "${grievanceId}"` })) ids.push(wf.workflowId);
    return ids.length ? ids : undefined;
  });
}

describe('backfill', () => {
  test('starts each closure once even when a row repeats and the file is imported twice', async () => {
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      const a = csvRow();
      const b = csvRow({ cycle: '2' });
      const file = writeCsv([a, b, a]);

      const first = await runBackfill({ atr, out: capture() }, { file, ...fast });
      expect(first.summary).toEqual({ rows: 3, valid: 3, started: 2, alreadyStarted: 1, invalid: 0, failed: 0 });
      const second = await runBackfill({ atr, out: capture() }, { file, ...fast });
      expect(second.summary).toEqual({ rows: 3, valid: 3, started: 0, alreadyStarted: 3, invalid: 0, failed: 0 });
      expect(backfillExitCode(second)).toBe(0);

      expect(await executionsOf(client, a.grievanceId!)).toEqual([atrWorkflowId(a.grievanceId!, 1)]);
      expect(await executionsOf(client, b.grievanceId!)).toEqual([atrWorkflowId(b.grievanceId!, 2)]);
      await terminate(client, [a, b]);
    });
  });

  test('reports an invalid row by its line and CSV columns, without echoing its values, and starts the rows around it', async () => {
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      // The first row spans three lines (a quoted action taken), so the bad row starts on line 5.
      const before = csvRow({ actionTaken: 'नाली की सफ़ाई करवाई गई।\nअस्थायी पंप लगाया गया।\nकार्य पूर्ण।' });
      const bad = csvRow({ cycle: 'two', citizenPhone: '12345-bad', disposedAt: 'yesterday', officerName: '' });
      const after = csvRow();
      const file = writeCsv([before, bad, after]);
      const out = capture();

      const result = await runBackfill({ atr, out }, { file, ...fast });
      expect(result.summary).toEqual({ rows: 3, valid: 2, started: 2, alreadyStarted: 0, invalid: 1, failed: 0 });
      expect(result.invalid).toEqual([
        {
          line: 5,
          grievanceId: bad.grievanceId,
          cycle: null,
          errors: expect.arrayContaining([
            { field: 'cycle', message: 'must be a whole number' },
            { field: 'citizenPhone', message: expect.stringContaining('must be a mobile number') },
            { field: 'disposedAt', message: expect.stringContaining('must be an ISO 8601 date-time') },
            { field: 'officerName', message: 'is required' },
          ]),
        },
      ]);
      expect(result.invalid[0]!.errors).toHaveLength(4);
      expect(out.text()).toMatch(new RegExp(`^line 5 \\(grievance ${bad.grievanceId}\\): invalid: cycle must be a whole number; .*citizenPhone must be a mobile number`, 'm'));
      expect(out.text()).not.toContain('12345-bad');
      expect(out.text()).not.toContain('yesterday');
      expect(backfillExitCode(result)).toBe(1);
      await terminate(client, [before, after]);
    });
  });

  test('--dry-run validates every row and starts nothing', async () => {
    const good = csvRow();
    const bad = csvRow({ citizenLanguage: 'ta' });
    const file = writeCsv([good, bad]);
    const out = capture();

    const result = await runBackfill({ out }, { file, ratePerSecond: 20, dryRun: true });
    expect(result.summary).toEqual({ rows: 2, valid: 1, started: 0, alreadyStarted: 0, invalid: 1, failed: 0 });
    expect(result.invalid[0]).toMatchObject({ line: 3, errors: [{ field: 'citizenLanguage', message: "must be 'hi' or 'en'" }] });
    await expect(dev.client.workflow.getHandle(atrWorkflowId(good.grievanceId!, 1)).describe()).rejects.toThrow(WorkflowNotFoundError);

    const summary = capture();
    printBackfill(result, summary);
    expect(summary.text()).toBe(`Dry run of ${file}: 2 row(s), 1 valid, 1 invalid; nothing was started.\n`);
  });

  test('reads UTF-8 with a BOM and Windows line endings: Hindi intact, line numbers as a spreadsheet shows them', async () => {
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      const hindi = csvRow({ actionTaken: 'पहली पंक्ति\nदूसरी पंक्ति', citizenName: 'श्रीमती कमला देवी' });
      const bad = csvRow({ citizenPhone: '' });
      const file = writeCsv([hindi, bad], { bom: true, crlf: true });

      const result = await runBackfill({ atr, out: capture() }, { file, ...fast });
      expect(result.summary).toMatchObject({ started: 1, invalid: 1 });
      expect(result.invalid[0]).toMatchObject({ line: 4, errors: [{ field: 'citizenPhone', message: 'is required' }] });

      const recorded = await eventually(async () => {
        const { rows } = await testPool().query<{ closure: { citizen: { name: string }; actionTaken: string } }>(
          'SELECT closure FROM closures WHERE grievance_id = $1',
          [hindi.grievanceId],
        );
        return rows[0]?.closure;
      });
      expect(recorded.citizen.name).toBe('श्रीमती कमला देवी');
      expect(recorded.actionTaken).toBe('पहली पंक्ति\nदूसरी पंक्ति');
      await terminate(client, [hindi]);
    });
  });

  test('maps a row onto the POST /v1/closures shape: optional columns empty or absent, local times read as IST', async () => {
    const file = writeCsv([csvRow({ cycle: '', citizenLanguage: '', registeredAt: '2026-11-02 10:15', disposedAt: '2026-11-27T16:40:00', citizenPhone: '09876543210' })], {
      header: CSV_COLUMNS.map((c) => c.name).filter((n) => n !== 'atrNumber' && n !== 'districtNameHi'),
    });
    const rows = [];
    for await (const row of readCsvRows(file)) rows.push(checkRow(row));
    expect(rows).toEqual([
      {
        line: 2,
        ok: true,
        closure: expect.objectContaining({
          cycle: 1,
          registeredAt: '2026-11-02T10:15:00+05:30',
          disposedAt: '2026-11-27T16:40:00+05:30',
          department: { code: 'LSG', nameEn: 'Local Self Government', nameHi: 'स्वायत्त शासन विभाग' },
          district: { code: 'JPR', nameEn: 'Jaipur' },
          citizen: { name: 'श्री राम कुमार शर्मा', phone: '+919876543210', language: 'hi' },
          attachments: [],
        }),
      },
    ]);
  });

  test('the example file holds three valid closures, one for an English-speaking citizen', async () => {
    const rows = [];
    for await (const row of readCsvRows(EXAMPLE)) rows.push(checkRow(row));
    expect(rows.map((r) => r.ok)).toEqual([true, true, true]);
    const languages = rows.map((r) => (r.ok ? r.closure.citizen.language : undefined));
    expect(languages.filter((l) => l === 'en')).toHaveLength(1);
    const result = await runBackfill({}, { file: EXAMPLE, ratePerSecond: 20, dryRun: true });
    expect(result.summary).toMatchObject({ rows: 3, valid: 3, invalid: 0 });
  });

  test('stops before starting anything when the header misses a column, names an unknown one, or the file is empty', async () => {
    const start = jest.fn();
    const atr = { closeGrievance: start } as unknown as AtrClient;
    const typo = writeCsv([csvRow()], { header: Object.keys(csvRow()).map((h) => (h === 'citizenPhone' ? 'citizenPhon' : h)) });
    await expect(runBackfill({ atr }, { file: typo, ...fast })).rejects.toThrow(/line 1 \(header\): missing column\(s\) citizenPhone; unknown column\(s\) "citizenPhon"/);

    const semicolons = writeCsv([]);
    writeFileSync(semicolons, 'grievanceId;cycle;registeredAt\n1;1;2026-11-02\n');
    await expect(runBackfill({ atr }, { file: semicolons, ...fast })).rejects.toThrow(/not comma-separated/);

    const empty = writeCsv([]);
    writeFileSync(empty, '');
    await expect(runBackfill({ atr }, { file: empty, ...fast })).rejects.toThrow(/is empty: the first line must be the header/);

    await expect(runBackfill({ atr }, { file: path.join(path.dirname(empty), 'missing.csv'), ...fast })).rejects.toThrow(/cannot read .*missing\.csv: ENOENT/);
    expect(start).not.toHaveBeenCalled();
  });

  test('refuses a file that is not UTF-8 or not valid CSV, before starting anything', async () => {
    const start = jest.fn();
    const atr = { closeGrievance: start } as unknown as AtrClient;
    const latin1 = writeCsv([csvRow()]);
    writeFileSync(latin1, Buffer.concat([Buffer.from(`${Object.keys(csvRow()).join(',')}\n`), Buffer.from('G1,1,,caf\xe9', 'latin1')]));
    await expect(runBackfill({ atr }, { file: latin1, ...fast })).rejects.toThrow(new CliError(`${latin1} is not UTF-8 text (at or after line 2); save it as "CSV UTF-8"`));

    const unclosed = writeCsv([csvRow({ subject: 'unclosed' })]);
    writeFileSync(unclosed, `${Object.keys(csvRow()).join(',')}\nG1,"1\n`);
    await expect(runBackfill({ atr }, { file: unclosed, ...fast })).rejects.toThrow(/is not valid CSV: Quote Not Closed/);
    expect(start).not.toHaveBeenCalled();
  });

  test('reports a row with fields missing as invalid, without echoing a grievance id that is not one', async () => {
    const file = writeCsv([csvRow()]);
    const header = Object.keys(csvRow());
    writeFileSync(file, `${header.join(',')}\nG1,1\n`);
    const result = await runBackfill({}, { file, ratePerSecond: 20, dryRun: true });
    expect(result.invalid[0]!.errors![0]).toEqual({ field: '(row)', message: `has 2 fields; the header has ${header.length}` });

    // Columns shifted by one: the grievance id cell holds a phone number, which must not be echoed.
    writeFileSync(file, `${header.join(',')}\n+919876543210,1\n`);
    const shifted = await runBackfill({ out: capture() }, { file, ratePerSecond: 20, dryRun: true });
    expect(shifted.invalid[0]).toMatchObject({ line: 2, grievanceId: null });
  });

  test('retries a transient Temporal error with backoff; a lasting or permanent one counts the row as failed', async () => {
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      const flaky = csvRow();
      const down = csvRow();
      const refused = csvRow();
      const calls = new Map<string, number>();
      const unavailable = () => new ServiceError('Failed to start Workflow', { cause: Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }) });
      const wrapped = {
        closeGrievance: async (input: unknown) => {
          const id = (input as { grievanceId: string }).grievanceId;
          const n = (calls.get(id) ?? 0) + 1;
          calls.set(id, n);
          if (id === flaky.grievanceId && n === 1) throw unavailable();
          if (id === down.grievanceId) throw unavailable();
          if (id === refused.grievanceId) throw new ServiceError('Failed to start Workflow', { cause: Object.assign(new Error('7 PERMISSION_DENIED: Request unauthorized.'), { code: 7 }) });
          return atr.closeGrievance(input);
        },
      };
      const out = capture();
      const result = await runBackfill({ atr: wrapped, out, retry: { attempts: 3, initialDelayMs: 20 } }, { file: writeCsv([flaky, down, refused]), ...fast });

      expect(result.summary).toMatchObject({ started: 1, failed: 2, invalid: 0 });
      expect(Object.fromEntries(calls)).toEqual({ [flaky.grievanceId!]: 2, [down.grievanceId!]: 3, [refused.grievanceId!]: 1 });
      expect(result.failed).toEqual([
        { line: 3, grievanceId: down.grievanceId, cycle: 1, error: 'Failed to start Workflow: 14 UNAVAILABLE: No connection established (after 3 attempts)' },
        { line: 4, grievanceId: refused.grievanceId, cycle: 1, error: 'Failed to start Workflow: 7 PERMISSION_DENIED: Request unauthorized.' },
      ]);
      expect(out.text()).toContain(`line 3 (grievance ${down.grievanceId}, cycle 1): failed: Failed to start Workflow: 14 UNAVAILABLE`);
      expect(backfillExitCode(result)).toBe(1);
      await terminate(client, [flaky]);
    });
  });

  test('paces starts to --rate per second', async () => {
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      const rows = Array.from({ length: 5 }, () => csvRow());
      const times: number[] = [];
      const timed = {
        closeGrievance: (input: unknown) => {
          times.push(Date.now());
          return atr.closeGrievance(input);
        },
      };
      const result = await runBackfill({ atr: timed }, { file: writeCsv(rows), ratePerSecond: 10, dryRun: false });
      expect(result.summary.started).toBe(5);
      // 10 per second: the k-th start never comes before k × 100 ms after the first (a late timer is not made up for with a burst).
      times.forEach((t, k) => expect(t - times[0]!).toBeGreaterThanOrEqual(k * 100 - 5));
      await terminate(client, rows);
    });
  });

  test('refuses a --rate that is not a positive number up to 1000', () => {
    expect(parseRate(undefined)).toBe(20);
    expect(parseRate('2.5')).toBe(2.5);
    for (const bad of ['0', '-1', 'fast', '1001', '']) expect(() => parseRate(bad)).toThrow(/--rate .* must be a number of starts per second/);
  });

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
});
