/**
 * Getting the ATR to the citizen: the WhatsApp send, and the SMS link when WhatsApp cannot reach them.
 * A permanent refusal by the channel is a business fact (false), not a failure of the workflow.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { FAILURES } from '../../contracts/workflow';
import type { AtrRun } from './run';

/** Sends the ATR; false when the channel says it can never reach this citizen. */
export async function deliverAtr(run: AtrRun): Promise<boolean> {
  run.enter('DELIVERING');
  try {
    const { messageId } = await run.messaging.delivery.deliverAtr({ workflowId: run.workflowId, atrId: run.view.atr!.atrId });
    run.markSent(messageId);
    return !run.undeliverable;
  } catch (err) {
    const reason = permanentReason(err);
    if (!reason) throw err;
    run.markUndeliverable(reason);
    return false;
  }
}

/** Sends the ATR link by SMS; false when that fails too (or no gateway is configured). */
export async function sendSmsFallback(run: AtrRun): Promise<boolean> {
  try {
    const { messageId } = await run.messaging.delivery.sendSmsFallback({ workflowId: run.workflowId });
    run.markSmsSent(messageId);
    return true;
  } catch (err) {
    const reason = permanentReason(err);
    if (!reason) throw err;
    run.markSmsFailed(reason);
    return false;
  }
}

/** The reason of a non-retryable channel failure, or undefined for anything else. */
function permanentReason(err: unknown): string | undefined {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure)) return undefined;
  const { type, message } = err.cause;
  return type === FAILURES.undeliverable || type === FAILURES.messagingRejected ? `${type}: ${message}` : undefined;
}
