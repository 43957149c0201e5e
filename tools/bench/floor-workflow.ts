/**
 * The engine floor: a workflow with the ATR workflow's shape — the same activities in the same order, the
 * same signals (two delivery statuses, then the feedback), timers and search-attribute upserts — whose
 * activities do nothing. What Temporal and one
 * worker can do on this machine; the ATR workflow's throughput is measured against it.
 */
import { condition, defineSignal, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { SA } from '../../contracts/workflow';
import type { FloorActivities } from './floor-activities';

const acts = proxyActivities<FloorActivities>({ startToCloseTimeout: '30s' });
const messaging = proxyActivities<FloorActivities>({ startToCloseTimeout: '30s' });

export const floorFeedback = defineSignal<[{ rating: string }]>('feedback');
export const floorDeliveryStatus = defineSignal<[{ status: 'DELIVERED' | 'READ' }]>('deliveryStatus');

/** Same steps as atrWorkflow's happy path: record, render, deliver, wait for feedback, record it, acknowledge, outcome. */
export async function floorWorkflow(id: string): Promise<string> {
  let feedback: { rating: string } | undefined;
  setHandler(floorFeedback, (f) => void (feedback = f));
  setHandler(floorDeliveryStatus, ({ status }) => upsertSearchAttributes([{ key: SA.deliveryStatus, value: status }]));
  await acts.recordClosure({ id });
  await acts.renderAtr({ id });
  await messaging.deliverAtr({ id });
  upsertSearchAttributes([{ key: SA.deliveryStatus, value: 'SENT' }]);
  await condition(() => feedback !== undefined, '7 days');
  await acts.recordFeedback({ id });
  await messaging.acknowledgeFeedback({ id });
  upsertSearchAttributes([
    { key: SA.outcome, value: 'SATISFIED' },
    { key: SA.feedbackOutcome, value: 'SATISFIED' },
  ]);
  await acts.recordOutcome({ id });
  await condition(() => false, '7 days'); // open for late feedback, as the ATR workflow stays
  return 'SATISFIED';
}
