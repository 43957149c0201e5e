/**
 * Quiet hours in India Standard Time: when a message may go to a citizen. Pure arithmetic on epoch
 * milliseconds, shared by the workflow (fed Temporal's clock, so it stays deterministic) and by the send
 * activities (which refuse at night, so a retry never reaches a citizen then). Node-free.
 */
import type { FeedbackPolicy } from './workflow';

/** Rajasthan keeps India Standard Time: UTC+05:30 all year, no daylight saving. */
export const IST_OFFSET_MINUTES = 330;
const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

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
