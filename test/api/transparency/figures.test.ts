/**
 * The dashboard's figures against a fixture computed by hand: closures, deliveries, feedback and escalations are
 * written through their owning repositories into a real PostgreSQL, the refresh activity rolls them up, and the
 * open data (over real HTTP) must give exactly the numbers worked out below, with the suppression they call for.
 */
import { Client, Connection } from '@temporalio/client';
import { buildApi } from '../../../api/server';
import { COLUMNS } from '../../../api/transparency/open-data';
import type { PublicFigures, PublicRow } from '../../../api/transparency/figures';
import { refreshTransparency } from '../../../activities/transparency';
import { AtrClient } from '../../../client';
import { createTransparencyRepository } from '../../../db/repositories/transparency';
import { createLogger } from '../../../lib/log';
import { createTransparencyDeps } from '../../../worker/transparency';
import { closeTestPool, testIdempotency, testIntake, testPool, useOwnDatabase } from '../../helpers/db';
import { AJM, FIXTURE, LSG, seed } from '../../helpers/transparency';

useOwnDatabase();
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
let connection: Connection;
let base: string;
let close: () => Promise<void>;
beforeAll(async () => {
  connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
  await seed(FIXTURE);
  const app = await buildApi({
    atr: new AtrClient(new Client({ connection }), testIntake()),
    apiKey: 'transparency-test-key-0123456789',
    idempotency: testIdempotency(),
    logger: createLogger('silent'),
    health: {},
    transparency: { rollup: createTransparencyRepository(testPool()), cacheTtlMs: 0 },
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  close = () => app.close();
});
afterAll(async () => {
  await close?.();
  await connection?.close();
  await closeTestPool();
});

const PERIOD = 'from=2026-10-01&to=2026-10-02';
async function figures(): Promise<PublicFigures & { columns: unknown[] }> {
  const res = await fetch(`${base}/transparency/data.json?${PERIOD}`);
  expect(res.status).toBe(200);
  return (await res.json()) as PublicFigures & { columns: unknown[] };
}
const row = (f: PublicFigures, level: PublicRow['level'], department: string | null, district: string | null) =>
  f.rows.find((r) => r.level === level && r.departmentCode === department && r.districtCode === district)!;

test('the refresh rolls up the fixture, and the state row is what the hand computation gives', async () => {
  expect(await refreshTransparency(createTransparencyDeps(testPool(), quiet))).toMatchObject({ days: 2, rows: 3 });
  const state = row(await figures(), 'state', null, null);
  expect(state).toMatchObject({ disposed: 24, delivered: 23, feedback: 21, satisfied: 11, notSatisfied: 10, escalated: 10, escalatedL1: 5, escalatedL2: 5, escalatedL3: 0 });
  // 23 delivered: 5 at 2 min (0-5), 5 at 20 (15-30), 5 at 100 (60-120), 8 at 600 (480-720). The 11.5th lies
  // in 60-120 with 10 below: 60 + 1.5/5 x 60 = 78.
  expect(state.medianMinutesToPhone).toBe(78);
  expect({ feedbackRate: state.feedbackRate, satisfiedShare: state.satisfiedShare, escalatedShare: state.escalatedShare }).toEqual({ feedbackRate: 0.913, satisfiedShare: 0.524, escalatedShare: 0.476 });
  expect(state.suppressed).toEqual({});
  // LSG's five level-1 escalations were resolved within their SLA; PHED's five at level 2 breached it.
  expect({ resolved: state.resolvedWithinSla, breached: state.breached }).toEqual({ resolved: 5, breached: 5 });
  expect(row(await figures(), 'department', 'PHED', null)).toMatchObject({ resolvedWithinSla: 0, breached: 5 });
});

test('a department, a district and a cell carry their own sums, medians and names', async () => {
  const f = await figures();
  // LSG: 15 delivered, 5 at 2 min, 5 at 20, 5 at 100: the 7.5th lies in 15-30 with 5 below: 15 + 2.5/5 x 15 = 22.5.
  expect(row(f, 'department', 'LSG', null)).toMatchObject({ departmentNameHi: LSG.nameHi, disposed: 16, delivered: 15, feedback: 15, escalated: 5, escalatedL1: 5, medianMinutesToPhone: 23, feedbackRate: 1 });
  expect(row(f, 'district', null, 'JPR')).toMatchObject({ districtNameEn: 'Jaipur', disposed: 18, delivered: 18, feedback: 16, satisfied: 6, notSatisfied: 10, satisfiedShare: 0.375 });
  // LSG in Ajmer: 5 delivered, all in 60-120; the 2.5th: 60 + 2.5/5 x 60 = 90.
  expect(row(f, 'department_district', 'LSG', 'AJM')).toMatchObject({ disposed: 6, delivered: 5, feedback: 5, satisfied: 5, notSatisfied: 0, satisfiedShare: 1, medianMinutesToPhone: 90, suppressed: {} });
  expect(f.trend).toEqual([
    { day: '2026-10-01', disposed: 18, delivered: 18, feedback: 16, satisfied: 6, deliveredShare: 1, satisfiedShare: 0.375, suppressed: {} },
    { day: '2026-10-02', disposed: 6, delivered: 5, feedback: 5, satisfied: 5, deliveredShare: 0.833, satisfiedShare: 1, suppressed: {} },
  ]);
});

test('the one satisfied PHED citizen is withheld, and so is every figure that would give it away by subtraction', async () => {
  const f = await figures();
  // PHED: satisfied 1 is small; its feedback 6 minus not satisfied 5 would give it, so not satisfied goes too.
  for (const r of [row(f, 'department', 'PHED', null), row(f, 'department_district', 'PHED', 'JPR')]) {
    expect(r).toMatchObject({ feedback: 6, satisfied: null, notSatisfied: null, satisfiedShare: null });
    expect(r.suppressed).toEqual({ satisfied: 'small', notSatisfied: 'complementary', satisfiedShare: 'complementary' });
  }
  // Jaipur's 6 satisfied minus PHED's would give LSG-in-Jaipur's, and the state's 11 minus LSG's would give PHED's.
  expect(row(f, 'department_district', 'LSG', 'JPR').suppressed).toMatchObject({ satisfied: 'complementary', notSatisfied: 'complementary' });
  expect(row(f, 'department', 'LSG', null).suppressed).toMatchObject({ satisfied: 'complementary', notSatisfied: 'complementary' });
  // No published total has exactly one withheld part.
  const parts = f.rows.filter((r) => r.level === 'department_district');
  for (const total of f.rows.filter((r) => r.level === 'department' || r.level === 'district')) {
    const mine = parts.filter((p) => (total.level === 'department' ? p.departmentCode === total.departmentCode : p.districtCode === total.districtCode));
    for (const field of ['satisfied', 'notSatisfied'] as const) {
      const withheld = [total, ...mine].filter((r) => r[field] === null).length;
      expect({ place: total.departmentCode ?? total.districtCode, field, withheld: withheld === 1 ? 1 : 'none or several' }).toEqual({ place: total.departmentCode ?? total.districtCode, field, withheld: 'none or several' });
    }
  }
});

test('the CSV has the documented columns in order, "<5" and "x" for withheld figures, and a file name', async () => {
  const res = await fetch(`${base}/transparency/data.csv?${PERIOD}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  expect(res.headers.get('content-disposition')).toBe('attachment; filename="sampark-transparency-2026-10-01-2026-10-02.csv"');
  const lines = (await res.text()).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  expect(lines[0]!.split(',')).toEqual(COLUMNS.map((c) => c.name));
  expect(lines).toHaveLength(1 + 1 + 2 + 2 + 3);
  const phed = lines.find((l) => l.includes(',department,PHED,'))!.split(',');
  const at = (name: string) => phed[COLUMNS.findIndex((c) => c.name === name)];
  expect([at('feedback'), at('satisfied'), at('notSatisfied'), at('suppressed')]).toEqual(['6', '<5', 'x', 'satisfied:small;notSatisfied:complementary;satisfiedShare:complementary']);
  expect((await figures()).columns).toEqual(COLUMNS);
});

test('a refresh recomputes only the days changed since the last, and a second run changes nothing', async () => {
  const deps = createTransparencyDeps(testPool(), quiet);
  expect(await refreshTransparency(deps)).toMatchObject({ days: 2 }); // the watermark's overlap takes the fixture again
  const before = await figures();
  // The watermark is now past the overlap's reach for a closure changed later: add one on 2 Oct only.
  await testPool().query("UPDATE transparency_refresh SET watermark = watermark - interval '1 hour'");
  await testPool().query("UPDATE closures SET facts_changed_at = facts_changed_at - interval '2 hours'");
  await testPool().query("UPDATE escalations SET created_at = created_at - interval '2 hours'");
  await seed([{ department: LSG, district: AJM, disposedAt: '2026-10-02T16:00:00+05:30', minutes: 100, rating: 'SATISFIED' }]);
  expect(await refreshTransparency(deps)).toMatchObject({ days: 1, rows: 1 });
  const after = await figures();
  expect(row(after, 'department_district', 'LSG', 'AJM')).toMatchObject({ disposed: 7, delivered: 6, satisfied: 6 });
  expect(row(after, 'state', null, null).disposed).toBe(row(before, 'state', null, null).disposed! + 1);
  expect(await refreshTransparency(deps)).toMatchObject({ days: 1, rows: 1 }); // within the overlap: same rows again
  expect({ ...(await figures()), refreshedAt: 'the new watermark' }).toEqual({ ...after, refreshedAt: 'the new watermark' });
});
