/**
 * The resendAtr update: ops send the ATR again (the citizen lost it, changed phones), and are told the truth. It
 * goes by WhatsApp, or by SMS once WhatsApp cannot reach the citizen (refused when the SMS cannot go either); the
 * update returns once the message's status is known, or SENT when none came within the wait, and names the outcome
 * when it was already decided (the resend then changes nothing).
 */
import { condition } from '@temporalio/workflow';
import type { Channel, ResendOutcome } from '../../contracts/workflow';
import { attempt } from './delivery';
import type { AtrRun } from './run';
import { iso, nextSendableTime } from './schedule';

/** WhatsApp reports a reachable phone's "delivered" within seconds; ops at the CLI should not wait longer than this. */
const RESEND_STATUS_WAIT_MS = 30_000;

/** Refuses a resend that cannot help: before the first send, once complete or superseded, to an unreachable number, at night. */
export function validateResend(run: AtrRun): void {
  const { delivery, stage, policy } = run.view;
  if (!delivery.messageId && !delivery.fallback) throw new Error('the ATR has not been sent yet');
  if (stage === 'COMPLETED') throw new Error('this closure is complete');
  if (run.supersededBy) throw new Error(`a newer closure of this grievance (${run.supersededBy.byWorkflowId}) superseded this one`);
  if (run.undeliverable && run.smsFailure) throw new Error(`WhatsApp cannot reach this citizen, and the SMS link cannot go either: ${run.smsFailure}`);
  if (nextSendableTime(Date.now(), policy?.quietHours ?? null) !== Date.now()) throw new Error('quiet hours: no messages to citizens now; try after they end');
}

/** Sends the ATR again (its link by SMS when WhatsApp cannot reach the citizen) and reports what became of it. */
export async function resend(run: AtrRun, requestedBy: string): Promise<ResendOutcome> {
  const { workflowId } = run;
  const resends = run.resendLog();
  const channel: Channel = run.undeliverable ? 'sms' : 'whatsapp';
  const decided = () => (run.view.outcome ? { outcomeDecided: run.view.outcome } : {});
  const number = run.nextResendNumber();
  const result = await attempt(
    () =>
      channel === 'sms'
        ? run.messaging.delivery.sendSmsFallback({ workflowId, resend: number })
        : run.messaging.delivery.resendAtr({ workflowId, atrId: run.view.atr!.atrId, number }),
    channel,
  );
  if (result.kind !== 'sent') {
    // Refused outright: no message id to report, and the reason says whose fault it was.
    const reason = result.kind === 'blocked' ? `held by a fault on our side (${result.block.code}): ${result.block.reason}` : result.reason;
    return { messageId: '', resends: resends.length, channel, status: 'FAILED', reason, ...decided() };
  }
  const { messageId } = result;
  resends.push({ messageId, sentAt: iso(Date.now()), requestedBy });
  if (channel === 'sms' && !run.view.delivery.fallback) run.markSmsSent(messageId);
  run.statuses.followResend(messageId);
  const settled = () => {
    const status = run.statuses.resendStatus(messageId)?.status;
    return status === 'DELIVERED' || status === 'READ' || status === 'FAILED';
  };
  await condition(settled, RESEND_STATUS_WAIT_MS, { summary: 'status of the resent ATR' });
  const report = run.statuses.resendStatus(messageId);
  const status = report && settled() ? report.status : 'SENT';
  return {
    messageId,
    resends: resends.length,
    channel,
    status,
    ...(status === 'FAILED' ? { reason: report?.errorTitle ?? `channel error ${report?.errorCode ?? 'unknown'}` } : {}),
    ...decided(),
  };
}
