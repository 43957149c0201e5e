/**
 * `backfill` reading closures CSV files written to a temp folder: encodings and line endings as
 * spreadsheets save them, rows mapped onto POST /v1/closures, and files refused before anything starts.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AtrClient } from '../../client';
import { runBackfill } from '../../cli/backfill';
import { CSV_COLUMNS, checkRow, readCsvRows } from '../../cli/closures-csv';
import { CliError } from '../../cli/output';
import { testPool } from '../helpers/db';
import { runWithWorker, useDevServer } from '../helpers/temporal';
import { EXAMPLE, fast, terminate } from './backfill-support';
import { capture, csvRow, eventually, writeCsv } from './support';

const dev = useDevServer();

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

/** An ATR client that records whether anything was started. */
function startSpy(): { start: jest.Mock; atr: AtrClient } {
  const start = jest.fn();
  return { start, atr: { startClosure: start } as unknown as AtrClient };
}

test('stops before starting anything when the header misses a column or names an unknown one', async () => {
  const { start, atr } = startSpy();
  const typo = writeCsv([csvRow()], { header: Object.keys(csvRow()).map((h) => (h === 'citizenPhone' ? 'citizenPhon' : h)) });
  await expect(runBackfill({ atr }, { file: typo, ...fast })).rejects.toThrow(/line 1 \(header\): missing column\(s\) citizenPhone; unknown column\(s\) "citizenPhon"/);
  expect(start).not.toHaveBeenCalled();
});

test('stops before starting anything when the file is not comma-separated', async () => {
  const { start, atr } = startSpy();
  const semicolons = writeCsv([]);
  writeFileSync(semicolons, 'grievanceId;cycle;registeredAt\n1;1;2026-11-02\n');
  await expect(runBackfill({ atr }, { file: semicolons, ...fast })).rejects.toThrow(/not comma-separated/);
  expect(start).not.toHaveBeenCalled();
});

test('stops before starting anything when the file is empty or missing', async () => {
  const { start, atr } = startSpy();
  const empty = writeCsv([]);
  writeFileSync(empty, '');
  await expect(runBackfill({ atr }, { file: empty, ...fast })).rejects.toThrow(/is empty: the first line must be the header/);

  await expect(runBackfill({ atr }, { file: path.join(path.dirname(empty), 'missing.csv'), ...fast })).rejects.toThrow(/cannot read .*missing\.csv: ENOENT/);
  expect(start).not.toHaveBeenCalled();
});

test('refuses a file that is not UTF-8, before starting anything', async () => {
  const { start, atr } = startSpy();
  const latin1 = writeCsv([csvRow()]);
  writeFileSync(latin1, Buffer.concat([Buffer.from(`${Object.keys(csvRow()).join(',')}\n`), Buffer.from('G1,1,,caf\xe9', 'latin1')]));
  await expect(runBackfill({ atr }, { file: latin1, ...fast })).rejects.toThrow(new CliError(`${latin1} is not UTF-8 text (at or after line 2); save it as "CSV UTF-8"`));
  expect(start).not.toHaveBeenCalled();
});

test('refuses a file that is not valid CSV, before starting anything', async () => {
  const { start, atr } = startSpy();
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
