/**
 * The purge's Schedule on the run's dev server: made once whatever how many workers start, every day at 02:30
 * IST, skipping a run while one is still going, and its action starts the real purge workflow (no arguments).
 * Its purge keeps ten years, so it erases nothing another test file seeded.
 */
import { randomUUID } from 'node:crypto';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createPurgeActivities } from '../../activities/purge';
import { PURGE_SCHEDULE_ID, PURGE_WORKFLOW_TYPE, type PurgeResult } from '../../contracts/purge';
import { createErasureStores, ensurePurgeSchedule } from '../../worker/purge';
import { eventually } from '../cli/support';
import { testPool } from '../helpers/db';
import { TEST_DATA_CONVERTER, useDevServer } from '../helpers/temporal';

const dev = useDevServer();

test('is created once, runs daily at 02:30 IST with overlap SKIP, and its action runs the purge workflow', async () => {
  const scheduleId = `test-${PURGE_SCHEDULE_ID}-${randomUUID()}`;
  const taskQueue = `test-purge-schedule-${randomUUID()}`;
  try {
    expect(await ensurePurgeSchedule(dev.client, taskQueue, scheduleId)).toBe(true);
    // A second worker starting: nothing changes.
    expect(await ensurePurgeSchedule(dev.client, taskQueue, scheduleId)).toBe(false);

    const handle = dev.client.schedule.getHandle(scheduleId);
    const described = await handle.describe();
    expect(described.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 2, end: 2, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] })]);
    expect(described.spec.timezone).toBe('Asia/Kolkata');
    expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: PURGE_WORKFLOW_TYPE, taskQueue, args: [] });

    const worker = await Worker.create({
      connection: dev.nativeConnection,
      taskQueue,
      activities: createPurgeActivities({ stores: createErasureStores(testPool()), retentionDays: 3650, log: { info: () => undefined, warn: () => undefined, error: () => undefined } }),
      workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! },
      dataConverter: TEST_DATA_CONVERTER,
    });
    const result = await worker.runUntil(async () => {
      await handle.trigger();
      const started = await eventually(async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId);
      expect(started.startsWith(scheduleId)).toBe(true);
      return (await dev.client.workflow.getHandle(started).result()) as PurgeResult;
    });
    expect(result.batches).toBeGreaterThanOrEqual(3);
  } finally {
    await dev.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
  }
});
