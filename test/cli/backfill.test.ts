/**
 * `backfill` on the dev server with a real worker: starts that are idempotent, invalid rows reported
 * without their values, dry runs, retries of transient Temporal errors, and pacing to --rate.
 */
import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import type { Closure } from '../../contracts/closure';
import { atrWorkflowId } from '../../contracts/workflow';
import { backfillExitCode, parseRate, printBackfill, runBackfill } from '../../cli/backfill';
import { checkRow, readCsvRows } from '../../cli/closures-csv';
import { takenLongAgo } from '../helpers/db';
import { runWithWorker, useDevServer } from '../helpers/temporal';
import { executionsOf, fast, terminate } from './backfill-support';
import { capture, csvRow, writeCsv } from './support';

const dev = useDevServer();

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

test('a re-run long after starts nothing again: the intake knows each closure though Temporal has forgotten it', async () => {
  await runWithWorker({ connection: dev }, async ({ atr }) => {
    const row = csvRow();
    const file = writeCsv([row]);
    for await (const r of readCsvRows(file)) {
      const checked = checkRow(r);
      if (checked.ok) await takenLongAgo(checked.closure);
    }
    const result = await runBackfill({ atr, out: capture() }, { file, ...fast });
    expect(result.summary).toEqual({ rows: 1, valid: 1, started: 0, alreadyStarted: 1, invalid: 0, failed: 0 });
    await expect(dev.client.workflow.getHandle(atrWorkflowId(row.grievanceId!, 1)).describe()).rejects.toThrow(WorkflowNotFoundError);
  });
});

test('counts a row that changes a closure already started as failed, naming the changed columns’ fields but not their values', async () => {
  await runWithWorker({ connection: dev }, async ({ atr, client }) => {
    const row = csvRow();
    await runBackfill({ atr, out: capture() }, { file: writeCsv([row]), ...fast });
    const out = capture();
    const result = await runBackfill({ atr, out }, { file: writeCsv([{ ...row, subject: 'बदला हुआ विषय' }]), ...fast });
    expect(result.summary).toMatchObject({ started: 0, alreadyStarted: 0, failed: 1 });
    expect(result.failed).toEqual([{ line: 2, grievanceId: row.grievanceId, cycle: 1, error: expect.stringContaining('already posted with different content (subject)') }]);
    expect(out.text()).not.toContain('बदला हुआ विषय');
    expect(backfillExitCode(result)).toBe(1);
    await terminate(client, [row]);
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

test('retries a transient Temporal error with backoff; a lasting or permanent one counts the row as failed', async () => {
  await runWithWorker({ connection: dev }, async ({ atr, client }) => {
    const flaky = csvRow();
    const down = csvRow();
    const refused = csvRow();
    const calls = new Map<string, number>();
    const unavailable = () => new ServiceError('Failed to start Workflow', { cause: Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }) });
    const wrapped = {
      startClosure: async (input: Closure) => {
        const id = (input as { grievanceId: string }).grievanceId;
        const n = (calls.get(id) ?? 0) + 1;
        calls.set(id, n);
        if (id === flaky.grievanceId && n === 1) throw unavailable();
        if (id === down.grievanceId) throw unavailable();
        if (id === refused.grievanceId) throw new ServiceError('Failed to start Workflow', { cause: Object.assign(new Error('7 PERMISSION_DENIED: Request unauthorized.'), { code: 7 }) });
        return atr.startClosure(input);
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
      startClosure: (input: Closure) => {
        times.push(Date.now());
        return atr.startClosure(input);
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
