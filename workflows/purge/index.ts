/**
 * The daily purge (started by the Schedule PURGE_SCHEDULE_ID): erases personal data past its retention, in
 * bounded batches, step after step, each step looping while its batches come back full. Deterministic: it only
 * calls activities. A long backlog continues as new with its totals, so the history stays small.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { noErasures, type ErasureCounts, type PurgeActivities, type PurgeInput, type PurgeResult, type PurgeStaleRowsResult } from '../../contracts/purge';

/** Rows per activity call: a few hundred rows is a statement of well under a second, far inside its timeout. */
export const DEFAULT_PURGE_BATCH = 200;

const { purgeClosures, purgeWebhookEvents, purgeStaleRows } = proxyActivities<PurgeActivities>({
  // A batch is a handful of statements, each under the pool's 15 s statement timeout.
  startToCloseTimeout: '2 minutes',
  // The database may be down or restarting at 02:30: back off to 10 minutes, and after ~3 hours give up; the
  // next day's run takes the same backlog (nothing is lost by waiting, only by erasing late).
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 20 },
});

function addCounts<T extends object>(into: T, more: T): T {
  const sum = { ...into } as Record<string, number>;
  for (const [k, v] of Object.entries(more)) sum[k] = (sum[k] ?? 0) + (v as number);
  return sum as T;
}

const noStale = (): PurgeStaleRowsResult => ({ unroutedMessages: 0, media: 0, pacingSlots: 0, awaitedReplies: 0 });

/** Runs every purge step to the end of its backlog; returns what it did in total (this run and those it continued). */
export async function purgeWorkflow(input: PurgeInput = {}): Promise<PurgeResult> {
  const limit = input.batchSize ?? DEFAULT_PURGE_BATCH;
  const totals: PurgeResult = input.carried ?? { batches: 0, closures: noErasures(), webhookEvents: 0, stale: noStale() };
  const next = async () => {
    totals.batches++;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof purgeWorkflow>({ batchSize: limit, carried: totals });
  };

  for (let full = true; full; await next()) {
    const erased: ErasureCounts = await purgeClosures({ limit });
    totals.closures = addCounts(totals.closures, erased);
    full = erased.closures >= limit;
  }
  for (let full = true; full; await next()) {
    const { deleted } = await purgeWebhookEvents({ limit });
    totals.webhookEvents += deleted;
    full = deleted >= limit;
  }
  for (let full = true; full; await next()) {
    const stale = await purgeStaleRows({ limit });
    totals.stale = addCounts(totals.stale, stale);
    full = Object.values(stale).some((n) => n >= limit);
  }
  return totals;
}
