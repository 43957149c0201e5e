/**
 * The transparency rollup's wiring: the refresh's dependencies, and its Schedule, made idempotently at every
 * worker start (like the purge's): every deployment gets it without an extra step; an existing Schedule is left
 * as it is (ops may have paused it, on purpose).
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { TransparencyDeps } from '../activities/transparency';
import { TRANSPARENCY_REFRESH_EVERY, TRANSPARENCY_REFRESH_WORKFLOW_TYPE, TRANSPARENCY_SCHEDULE_ID } from '../contracts/transparency';
import { createTransparencyFacts } from '../db/reports/transparency';
import { createTransparencyRepository } from '../db/repositories/transparency';

/** The refresh's reads and writes on a pool. */
export function createTransparencyDeps(pool: Pool, log: TransparencyDeps['log']): TransparencyDeps {
  return { facts: createTransparencyFacts(pool), rollup: createTransparencyRepository(pool), log };
}

/** Creates the refresh Schedule unless it exists. Returns whether it was created now. */
export async function ensureTransparencySchedule(client: Client, taskQueue: string, scheduleId = TRANSPARENCY_SCHEDULE_ID): Promise<boolean> {
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: TRANSPARENCY_REFRESH_EVERY }] },
      // No arguments: the watermark is in PostgreSQL, and an empty action has no payload to encrypt.
      action: { type: 'startWorkflow', workflowType: TRANSPARENCY_REFRESH_WORKFLOW_TYPE, taskQueue, workflowId: scheduleId, args: [] },
      policies: {
        // A refresh still running (a first one over years of closures) covers what the next would: skip it.
        overlap: ScheduleOverlapPolicy.SKIP,
        // Temporal down for hours: one refresh when it is back catches up on everything (the watermark), not one per slot.
        catchupWindow: '1 hour',
        pauseOnFailure: false,
      },
    });
    return true;
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return false;
    throw err;
  }
}
