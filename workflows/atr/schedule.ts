/**
 * Pure time arithmetic for the ATR workflow: when a message may go out, and when reminders fall.
 * All times are epoch milliseconds; the workflow feeds in Temporal's clock, so this stays deterministic.
 */
import type { FeedbackPolicy } from '../../contracts/workflow';

/** Rajasthan keeps India Standard Time: UTC+05:30 all year, no daylight saving. */
export const IST_OFFSET_MINUTES = 330;
const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;
export const HOUR_MS = 60 * MINUTE;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Minutes since IST midnight for an instant. */
function istMinuteOfDay(at: number): number {
  const local = Math.floor(at / MINUTE) + IST_OFFSET_MINUTES;
  return ((local % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
}

/**
 * The first instant at or after `at` outside quiet hours. Quiet hours may wrap midnight
 * (21:00-09:00); a message due at night goes at the end of quiet hours, to the minute.
 */
export function nextSendableTime(at: number, quietHours: FeedbackPolicy['quietHours']): number {
  if (!quietHours) return at;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return at;
  const now = istMinuteOfDay(at);
  const inQuiet = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inQuiet) return at;
  const wait = (end - now + DAY_MINUTES) % DAY_MINUTES;
  // Round down to the minute first, so "deferred to 09:00" means 09:00:00, not 09:00:37.
  return Math.floor(at / MINUTE) * MINUTE + wait * MINUTE;
}

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
