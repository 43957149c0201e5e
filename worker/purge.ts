/**
 * The daily purge's wiring: the repositories it erases through, and its Schedule, made idempotently at every
 * worker start. Every deployment runs a worker, so every deployment gets the Schedule without an extra step,
 * on its own task queue; an existing Schedule is left as it is (ops may have paused it, on purpose).
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { ErasureStores } from '../activities/ports';
import { PURGE_SCHEDULE_ID, PURGE_WORKFLOW_TYPE } from '../contracts/purge';
import { createClosureIntakeRepository } from '../db/repositories/closure-intake';
import { createClosureRepository } from '../db/repositories/closures';
import { createEscalationRepository } from '../db/repositories/escalations';
import { createOutboundMessageRepository } from '../db/repositories/outbound-messages';
import { createWebhookInboxRepository } from '../db/repositories/webhook-inbox';
import { createCitizenReplyRepository } from '../db/repositories/citizen-replies';
import { createVoiceNoteRepository } from '../db/repositories/voice-notes';

/** The repositories that own the tables holding personal data. */
export function createErasureStores(pool: Pool): ErasureStores {
  return {
    closures: createClosureRepository(pool),
    escalations: createEscalationRepository(pool),
    messages: createOutboundMessageRepository(pool),
    inbox: createWebhookInboxRepository(pool),
    intake: createClosureIntakeRepository(pool),
    voiceNotes: createVoiceNoteRepository(pool),
    replies: createCitizenReplyRepository(pool),
  };
}

/** When the purge runs: 02:30 IST, the quietest hour (no messages go out at night). */
export const PURGE_AT_IST = { hour: 2, minute: 30 } as const;

/** Creates the purge Schedule unless it exists. Returns whether it was created now. */
export async function ensurePurgeSchedule(client: Client, taskQueue: string, scheduleId = PURGE_SCHEDULE_ID): Promise<boolean> {
  try {
    await client.schedule.create({
      scheduleId,
      spec: { calendars: [{ hour: PURGE_AT_IST.hour, minute: PURGE_AT_IST.minute, comment: 'daily, 02:30 IST' }], timezone: 'Asia/Kolkata' },
      // No arguments: the retention period is the workers' configuration, and an empty action has no payload
      // to encrypt, or to become unreadable when the payload keys rotate.
      action: { type: 'startWorkflow', workflowType: PURGE_WORKFLOW_TYPE, taskQueue, workflowId: scheduleId, args: [] },
      policies: {
        // A purge still running when the next is due already drains the same backlog: skip the newcomer.
        overlap: ScheduleOverlapPolicy.SKIP,
        // Temporal down at 02:30: run once when it is back that day, not once per missed day.
        catchupWindow: '1 day',
        // A failed purge (the database down for hours) must not pause the Schedule: tomorrow's run retries.
        pauseOnFailure: false,
      },
    });
    return true;
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return false;
    throw err;
  }
}
