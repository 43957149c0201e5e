/**
 * The transparency rollup's refresh (started by the Schedule TRANSPARENCY_SCHEDULE_ID): one activity that
 * recomputes the days touched since the watermark. Deterministic: it only calls the activity.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { RefreshTransparencyResult, TransparencyActivities } from '../../contracts/transparency';

const { refreshTransparency } = proxyActivities<TransparencyActivities>({
  // A day's closures take seconds; a first refresh over years of closures takes minutes (chunks of a month).
  startToCloseTimeout: '30 minutes',
  // The database restarting: retry for a while; the next scheduled run picks up whatever this one could not.
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});

/** Refreshes the rollup once; returns what it recomputed. */
export async function transparencyRefreshWorkflow(): Promise<RefreshTransparencyResult> {
  return refreshTransparency({});
}
