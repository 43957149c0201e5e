/**
 * Pure time arithmetic for the ATR workflow: when a message may go out, and when reminders fall.
 * All times are epoch milliseconds; the workflow feeds in Temporal's clock, so this stays deterministic.
 */
import { nextSendableTime } from '../../contracts/quiet-hours';
import type { FeedbackPolicy } from '../../contracts/workflow';

// The quiet-hours arithmetic lives in contracts/ so the send activities refuse at night by the same rule.
export { IST_OFFSET_MINUTES, nextSendableTime } from '../../contracts/quiet-hours';
const MINUTE = 60_000;
export const HOUR_MS = 60 * MINUTE;

/** When each reminder is due: offsets from delivery, pushed out of quiet hours, dropped if past the window. */
export function reminderTimes(deliveredAt: number, policy: FeedbackPolicy): number[] {
  const windowEnd = deliveredAt + policy.feedbackWindowHours * HOUR_MS;
  return policy.reminderOffsetsHours
    .map((h) => nextSendableTime(deliveredAt + h * HOUR_MS, policy.quietHours))
    .filter((t) => t < windowEnd);
}

/** Formats an instant as an ISO string; kept here so the workflow never builds dates by hand. */
export function iso(at: number): string {
  return new Date(at).toISOString();
}
