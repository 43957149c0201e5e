/**
 * The transparency refresh's Schedule on the run's dev server: made once however many workers start, every
 * TRANSPARENCY_REFRESH_EVERY with overlap SKIP, and its action runs the real refresh workflow and activity, which
 * roll up what PostgreSQL holds.
 */
import { randomUUID } from 'node:crypto';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createTransparencyActivities } from '../../activities/transparency';
import { TRANSPARENCY_REFRESH_WORKFLOW_TYPE, TRANSPARENCY_SCHEDULE_ID, type RefreshTransparencyResult } from '../../contracts/transparency';
import { createTransparencyRepository } from '../../db/repositories/transparency';
import { createTransparencyDeps, ensureTransparencySchedule } from '../../worker/transparency';
import { eventually } from '../cli/support';
import { testPool, useOwnDatabase } from '../helpers/db';
import { TEST_DATA_CONVERTER, useDevServer } from '../helpers/temporal';
import { FIXTURE, seed } from '../helpers/transparency';

const dev = useDevServer();
useOwnDatabase();

test('is created once, every 15 minutes with overlap SKIP, and its action refreshes the rollup', async () => {
  const scheduleId = `test-${TRANSPARENCY_SCHEDULE_ID}-${randomUUID()}`;
  const taskQueue = `test-transparency-schedule-${randomUUID()}`;
  await seed(FIXTURE);
  try {
    expect(await ensureTransparencySchedule(dev.client, taskQueue, scheduleId)).toBe(true);
    expect(await ensureTransparencySchedule(dev.client, taskQueue, scheduleId)).toBe(false);

    const handle = dev.client.schedule.getHandle(scheduleId);
    const described = await handle.describe();
    expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 15 * 60_000 })]);
    expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: TRANSPARENCY_REFRESH_WORKFLOW_TYPE, taskQueue, args: [] });

    const worker = await Worker.create({
      connection: dev.nativeConnection,
      taskQueue,
      activities: createTransparencyActivities(createTransparencyDeps(testPool(), { info: () => undefined, warn: () => undefined, error: () => undefined })),
      workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! },
      dataConverter: TEST_DATA_CONVERTER,
    });
    const result = await worker.runUntil(async () => {
      await handle.trigger();
      const started = await eventually(async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId);
      return (await dev.client.workflow.getHandle(started).result()) as RefreshTransparencyResult;
    });
    expect(result).toMatchObject({ days: 2, rows: 3 });
    const sums = await createTransparencyRepository(testPool()).groupCounts('2026-10-01', '2026-10-02');
    expect(sums.find((g) => g.departmentCode === null && g.districtCode === null)).toMatchObject({ disposed: 24, delivered: 23 });
  } finally {
    await dev.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
  }
});
