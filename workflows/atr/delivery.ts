/**
 * Getting the ATR to the citizen: the WhatsApp send, the SMS link when WhatsApp cannot reach them, and the hold
 * while a fault on our side (an expired token, a paused template, an open circuit breaker) blocks the channel.
 * Only the citizen's own unreachability is a business fact; a fault on our side holds the closure, visibly
 * (stage DELIVERY_BLOCKED, the DeliveryBlocked search attribute), and tries again until the fault is fixed.
 */
import { ActivityFailure, ApplicationFailure, allHandlersFinished, condition, continueAsNew, log, workflowInfo } from '@temporalio/workflow';
import type { SentMessage } from '../../contracts/activities';
import { FAILURES, type Channel, type DeliveryBlock } from '../../contracts/workflow';
import type { atrWorkflow } from './index';
import type { AtrRun } from './run';
import { iso } from './schedule';
import { waitForDaytime } from './timers';

/**
 * How often a held ATR tries again. The channel's circuit breaker lets a probe through every minute or so; with
 * this recheck, every held closure goes within two minutes of the fix, with no step by ops.
 */
export const BLOCKED_RECHECK_MS = 60_000;
/**
 * Each recheck adds about 11 history events (an activity 3, a timer 2, two workflow tasks 6): some 660 an hour,
 * and about 120 billable actions an hour per held closure (60 activities, 60 timers). Past this many events the
 * run continues as new with its state, so a hold of days never nears Temporal's history limits.
 */
const HOLD_HISTORY_LIMIT = 4_000;

/** How one send ended, as the workflow acts on it. */
export type SendResult =
  | { kind: 'sent'; messageId: string }
  | { kind: 'blocked'; block: DeliveryBlock }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'notConfigured'; reason: string };

/** How getting the ATR out ended: it went out, no channel reaches the citizen, or the citizen or a newer closure came first. */
export type Reach = 'out' | 'unreachable' | 'interrupted';

/**
 * Sends the ATR on WhatsApp, or its link by SMS once WhatsApp cannot reach the citizen, each in daytime. While a
 * fault on our side blocks the channel, holds and tries again for as long as it takes; the hold ends early when
 * the citizen answers on another channel (helpline, portal, link page) or a newer closure supersedes this one.
 */
export async function deliver(run: AtrRun): Promise<Reach> {
  for (;;) {
    if (run.view.delivery.blocked && !(await hold(run))) return 'interrupted';
    run.enter('WAITING_FOR_DAYTIME');
    if (!(await waitForDaytime(run, 'quiet hours: ATR waits for daytime'))) return 'interrupted';
    run.enter('DELIVERING');
    run.noteAttempt();
    if (!run.undeliverable) {
      const result = await attempt(() => sendAtr(run), 'whatsapp');
      if (result.kind === 'sent') run.markSent(result.messageId);
      else if (result.kind === 'blocked') run.markBlocked(result.block);
      else run.markUndeliverable(result.reason);
      if (result.kind === 'sent') return 'out';
      continue;
    }
    const sms = await sendSmsFallback(run);
    if (sms !== 'blocked') return sms === 'sent' ? 'out' : 'unreachable';
  }
}

/**
 * Sends the ATR link by SMS. 'failed' when the gateway cannot reach the citizen or none is configured; when
 * WhatsApp cannot reach them either, that is the citizen's unreachability (the reason names both channels).
 */
export async function sendSmsFallback(run: AtrRun): Promise<'sent' | 'blocked' | 'failed'> {
  const result = await attempt(() => run.messaging.delivery.sendSmsFallback({ workflowId: run.workflowId }), 'sms');
  switch (result.kind) {
    case 'sent':
      run.markSmsSent(result.messageId);
      return 'sent';
    case 'blocked':
      run.markBlocked(result.block);
      return 'blocked';
    case 'notConfigured':
    case 'unreachable':
      run.smsFailure = result.reason;
      if (run.undeliverable) run.markSmsFailed(result.reason);
      else log.info('no SMS fallback; waiting for feedback on every channel', { workflowId: run.workflowId, reason: result.kind });
      return 'failed';
  }
}

/** Runs one send and classifies what retrying cannot fix; anything else (a missing closure, a bug) fails the run. */
export async function attempt(send: () => Promise<SentMessage>, channel: Channel): Promise<SendResult> {
  try {
    return { kind: 'sent', messageId: (await send()).messageId };
  } catch (err) {
    if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure)) throw err;
    const { type, message, details } = err.cause;
    if (type === FAILURES.deliveryBlocked) return { kind: 'blocked', block: asBlock(details?.[0], channel, message) };
    if (type === FAILURES.undeliverable) return { kind: 'unreachable', reason: message };
    if (type === FAILURES.channelNotConfigured) return { kind: 'notConfigured', reason: message };
    throw err;
  }
}

/** The first send of the ATR, or (after it failed on our side once accepted) a new message under its own key. */
async function sendAtr(run: AtrRun): Promise<SentMessage> {
  const { workflowId } = run;
  const atrId = run.view.atr!.atrId;
  if (!run.view.delivery.messageId) return run.messaging.delivery.deliverAtr({ workflowId, atrId });
  const sent = await run.messaging.delivery.resendAtr({ workflowId, atrId, number: run.nextResendNumber() });
  run.resendLog().push({ messageId: sent.messageId, sentAt: iso(Date.now()), requestedBy: 'workflow: the ATR failed on our side' });
  return sent;
}

/**
 * Holds a blocked ATR until ops resume it or the recheck falls due. False when the citizen answered on another
 * channel or a newer closure took over. A long hold continues as new, so its history stays bounded.
 */
async function hold(run: AtrRun): Promise<boolean> {
  run.enter('DELIVERY_BLOCKED');
  const stop = () => run.pendingFeedback.length > 0 || run.supersededBy !== undefined;
  log.warn('ATR held: a fault on our side blocks the channel', { workflowId: run.workflowId, code: run.view.delivery.blocked?.code });
  await condition(() => stop() || run.resumeRequested, BLOCKED_RECHECK_MS, { summary: 'held: recheck the blocked channel' });
  run.resumeRequested = false;
  if (stop()) return false;
  const info = workflowInfo();
  if (info.continueAsNewSuggested || info.historyLength >= HOLD_HISTORY_LIMIT) {
    await condition(allHandlersFinished);
    await run.events.recorded();
    await continueAsNew<typeof atrWorkflow>(run.closure, run.carry());
  }
  return true;
}

/** The DeliveryBlock an activity attached; a bare failure still names its channel. */
function asBlock(detail: unknown, channel: Channel, message: string): DeliveryBlock {
  const block = detail as Partial<DeliveryBlock> | undefined;
  if (block && typeof block.code === 'string') {
    return { channel: block.channel ?? channel, code: block.code, reason: block.reason ?? message, since: block.since ?? iso(Date.now()) };
  }
  return { channel, code: `${channel}:unknown`, reason: message, since: iso(Date.now()) };
}

/**
 * Sends a courtesy message (reminder, acknowledgement, dialogue prompt) in daytime; nothing once a newer closure
 * took over. A fault on our side is shown and the message skipped, never retried for ever; any other failure
 * (the citizen unreachable, the courtesy deadline passed) is logged. Undefined when it did not go.
 */
export async function courtesy(run: AtrRun, what: string, send: () => Promise<SentMessage>): Promise<SentMessage | undefined> {
  if (!(await waitForDaytime(run, `quiet hours: ${what} waits for daytime`))) return undefined;
  try {
    const result = await attempt(send, 'whatsapp');
    if (result.kind === 'sent') {
      if (run.view.delivery.blocked?.channel === 'whatsapp' && !run.statuses.atrFailedOnOurSide) run.clearBlock();
      return { messageId: result.messageId };
    }
    if (result.kind === 'blocked') run.markBlocked(result.block);
    log.warn(`${what} skipped`, { workflowId: run.workflowId, why: result.kind, ...(result.kind === 'blocked' ? { code: result.block.code } : {}) });
  } catch (err) {
    log.warn(`${what} not sent`, { workflowId: run.workflowId, error: err instanceof Error ? err.message : String(err) });
  }
  return undefined;
}
