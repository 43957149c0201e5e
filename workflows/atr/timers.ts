/** Durable waits by the clock: Temporal timers that are not started when their moment has already passed. */
import { condition, sleep } from '@temporalio/workflow';
import type { AtrRun } from './run';
import { nextSendableTime } from './schedule';

/** Sleeps until `at` (epoch ms); no timer when it is already past. */
export async function sleepUntil(at: number, summary: string): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await sleep(ms, { summary });
}

/** Waits until `fn` holds or `at` passes; true when `fn` holds. No timer when `at` is already past. */
export async function waitUntil(fn: () => boolean, at: number, summary: string): Promise<boolean> {
  const ms = at - Date.now();
  return ms > 0 ? condition(fn, ms, { summary }) : fn();
}

/**
 * Waits until a message may go to the citizen (outside quiet hours). Every message waits here first: the ATR,
 * its resends, the SMS link, reminders, acknowledgements and the dialogue prompts. False when a newer closure
 * took over meanwhile (nothing more may go).
 */
export async function waitForDaytime(run: AtrRun, summary: string): Promise<boolean> {
  const superseded = () => run.supersededBy !== undefined;
  await waitUntil(superseded, nextSendableTime(Date.now(), run.policy.quietHours), summary);
  return !superseded();
}
