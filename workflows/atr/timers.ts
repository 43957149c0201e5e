/** Durable waits by the clock: Temporal timers that are not started when their moment has already passed. */
import { condition, sleep } from '@temporalio/workflow';

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
