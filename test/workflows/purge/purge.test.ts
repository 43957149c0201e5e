/**
 * The daily purge, run for real: the purge workflow on the run's dev server, its activities over the real
 * repositories and PostgreSQL. Closures whose outcome is older than the retention period lose every personal
 * value in every table; the report reads the same before and after; newer closures keep theirs.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { createPurgeActivities, RAW_WEBHOOK_GRACE_DAYS } from '../../../activities/purge';
import type { PurgeResult } from '../../../contracts/purge';
import { createReports } from '../../../db/reports';
import { purgeWorkflow } from '../../../workflows/purge';
import { createErasureStores } from '../../../worker/purge';
import { uniqueCode } from '../../cli/support';
import { testPool, useOwnDatabase } from '../../helpers/db';
import { findPersonalValues, personalValuesOf, seedPersonalClosure, type SeededPersonalClosure } from '../../helpers/personal-data';
import { TEST_DATA_CONVERTER, useDevServer } from '../../helpers/temporal';

const dev = useDevServer();
// Other files' webhook relays, running alongside, would settle this file's pending inbox rows.
useOwnDatabase();
const RETENTION_DAYS = 180;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Runs the real purge workflow to its end on a worker of its own; returns its result. */
async function runPurge(batchSize: number): Promise<PurgeResult> {
  const taskQueue = `test-purge-${randomUUID()}`;
  const bundlePath = process.env.TEST_WORKFLOW_BUNDLE!;
  const worker = await Worker.create({
    connection: dev.nativeConnection,
    taskQueue,
    activities: createPurgeActivities({ stores: createErasureStores(testPool()), retentionDays: RETENTION_DAYS, log: silent }),
    workflowBundle: { codePath: bundlePath },
    dataConverter: TEST_DATA_CONVERTER,
  });
  return worker.runUntil(dev.client.workflow.execute(purgeWorkflow, { args: [{ batchSize }], taskQueue, workflowId: `test-purge-${randomUUID()}` }));
}

/** Moves closures' outcomes (and the webhooks that reported on them) `days` into the past. */
async function ageOutcomes(seeded: readonly SeededPersonalClosure[], days: number): Promise<void> {
  const ids = seeded.map((s) => s.workflowId);
  await testPool().query(`UPDATE closures SET completed_at = now() - make_interval(days => $2) WHERE workflow_id = ANY($1)`, [ids, days]);
  await testPool().query(
    `UPDATE webhook_events SET received_at = now() - make_interval(days => $2)
      WHERE id IN (SELECT event_id FROM inbound_messages WHERE workflow_id = ANY($1))`,
    [ids, Math.min(days, RAW_WEBHOOK_GRACE_DAYS + 1)],
  );
}

const reportOf = async (department: string) => (await createReports(testPool()).closureCounts({})).filter((r) => r.department === department);

test('erases every personal value of closures past retention, in bounded batches, and leaves the report unchanged', async () => {
  const department = uniqueCode('PRG');
  const pool = testPool();
  const old = [
    await seedPersonalClosure(pool, { department, district: 'JPR', outcome: 'SATISFIED', rating: 'SATISFIED' }),
    await seedPersonalClosure(pool, { department, district: 'JPR', outcome: 'ESCALATED', rating: 'NOT_SATISFIED', escalated: true }),
    await seedPersonalClosure(pool, { department, district: 'AJM', outcome: 'UNDELIVERABLE', smsFallback: true }),
    await seedPersonalClosure(pool, { department, district: 'AJM', outcome: 'NO_RESPONSE', rating: 'NOT_SATISFIED', escalated: true, smsFallback: true }),
    await seedPersonalClosure(pool, { department, district: 'AJM', outcome: 'SATISFIED' }),
  ];
  const recent = [
    await seedPersonalClosure(pool, { department, district: 'JPR', outcome: 'SATISFIED' }),
    // Open: no outcome yet, whatever its age.
    await seedPersonalClosure(pool, { department, district: 'JPR' }),
  ];
  await ageOutcomes(old, RETENTION_DAYS + 1);
  await ageOutcomes(recent.slice(0, 1), RETENTION_DAYS - 1);
  await testPool().query(`UPDATE closures SET recorded_at = now() - interval '400 days' WHERE workflow_id = $1`, [recent[1]!.workflowId]);

  const before = await reportOf(department);
  expect(before.map((r) => [r.district, r.closures, r.atrsSent, r.delivered, r.read, r.feedback, r.satisfied, r.escalations, r.smsFallbacks, r.undeliverable])).toEqual([
    ['AJM', 3, 3, 3, 3, 3, 2, 1, 2, 1],
    ['JPR', 4, 4, 4, 4, 4, 3, 1, 0, 0],
  ]);
  expect(Object.keys(await findPersonalValues(pool, personalValuesOf(old)))).toHaveLength(personalValuesOf(old).length);

  const result = await runPurge(2);

  expect(await reportOf(department)).toEqual(before);
  expect(await findPersonalValues(pool, personalValuesOf(old))).toEqual({});
  // 5 closures in batches of 2: full, full, then 1 (and the other steps' single empty batches).
  expect(result.closures).toMatchObject({ closures: 5, documents: 5, feedback: 5, feedbackDetails: 5, escalations: 2, outboundMessages: 10, inboundMessages: 5, awaitedReplies: 5, media: 5, intake: 5 });
  expect(result.closures.links).toBe(2);
  expect(result.batches).toBeGreaterThanOrEqual(3 + 1 + 1);
  const { rows: media } = await pool.query('SELECT count(*)::int AS n FROM whatsapp_media WHERE media_id = ANY($1)', [old.map((s) => s.mediaId)]);
  expect(media[0].n).toBe(0);
  const { rows: marked } = await pool.query('SELECT erased_by, count(*)::int AS n FROM closures WHERE workflow_id = ANY($1) GROUP BY erased_by', [old.map((s) => s.workflowId)]);
  expect(marked).toEqual([{ erased_by: 'retention', n: 5 }]);

  // Newer and open closures keep everything.
  const kept = await findPersonalValues(pool, personalValuesOf(recent));
  expect(Object.keys(kept)).toHaveLength(personalValuesOf(recent).length);

  // A second purge finds nothing more to erase.
  const again = await runPurge(2);
  expect(again.closures.closures).toBe(0);
  expect(await reportOf(department)).toEqual(before);
});

test('deletes raw webhook bodies once relayed and a grace past, keeping the statuses the report counts', async () => {
  const pool = testPool();
  const department = uniqueCode('RAW');
  const seeded = await seedPersonalClosure(pool, { department, district: 'JPR', outcome: 'SATISFIED' });
  const eventOf = async () =>
    (await pool.query<{ event_id: string | null }>('SELECT event_id FROM message_statuses WHERE callback_data IS NULL AND workflow_id = $1 LIMIT 1', [seeded.workflowId])).rows[0]!.event_id;
  const eventId = await eventOf();
  expect(eventId).not.toBeNull();
  const before = await reportOf(department);

  // Within the grace: kept.
  await pool.query(`UPDATE webhook_events SET received_at = now() - make_interval(days => $2) WHERE id = $1`, [eventId, RAW_WEBHOOK_GRACE_DAYS - 1]);
  await runPurge(50);
  expect(await eventOf()).toBe(eventId);

  // Past it, but one of its messages back to pending (not relayed yet): kept.
  await pool.query(`UPDATE webhook_events SET received_at = now() - make_interval(days => $2) WHERE id = $1`, [eventId, RAW_WEBHOOK_GRACE_DAYS + 1]);
  await pool.query(`UPDATE inbound_messages SET relay_state = 'pending' WHERE event_id = $1`, [eventId]);
  await runPurge(50);
  expect(await eventOf()).toBe(eventId);

  // Relayed and past the grace: gone, its statuses stay and count the same.
  await pool.query(`UPDATE inbound_messages SET relay_state = 'delivered' WHERE event_id = $1`, [eventId]);
  const result = await runPurge(50);
  expect(result.webhookEvents).toBeGreaterThanOrEqual(1);
  expect(await eventOf()).toBeNull();
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM webhook_events WHERE id = $1', [eventId]);
  expect(rows[0].n).toBe(0);
  expect(await reportOf(department)).toEqual(before);
});
