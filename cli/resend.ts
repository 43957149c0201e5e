/**
 * `sampark-atr resend <grievanceId> [--by NAME]`: sends the latest closure's ATR to the citizen again
 * (lost it, changed phones). The workflow decides whether it may, and by which channel (SMS when WhatsApp
 * cannot reach the citizen); it answers once the send's outcome is known, and this prints that truth: sent by
 * SMS, refused with the channel's reason, or sent with no receipt yet, with a warning when the closure's
 * outcome was already decided.
 */
import { userInfo } from 'node:os';
import { FeedbackClosedError, GrievanceNotFoundError, OperationRefusedError, type AtrClient } from '../client';
import type { ResendOutcome } from '../contracts/workflow';
import { CliError, writeJson, type Writer } from './output';
import { parseGrievanceId } from './status';

/** What a resend did (ResendOutcome: channel, status, reason, outcomeDecided, messageId, resends). */
export type ResendResult = ResendOutcome & {
  grievanceId: string;
  workflowId: string;
  requestedBy: string;
};

/** Who asks, as recorded in the workflow state: `ops:$USER` unless the operator names themself. */
export function defaultRequester(env: Record<string, string | undefined> = process.env): string {
  let user = env.USER ?? env.USERNAME;
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  return `ops:${user}`;
}

/** A requester name goes into workflow history: keep it short and printable. */
export function parseRequester(raw: string): string {
  const by = raw.trim();
  if (!/^[\p{L}\p{M}\p{N} ._@:+-]{1,100}$/u.test(by)) {
    throw new CliError(`--by ${JSON.stringify(raw)} must be 1-100 letters, digits, spaces or . _ @ : + -`);
  }
  return by;
}

/** Asks the workflow to send the ATR again; refusals become a CliError carrying the workflow's reason. */
export async function runResend(deps: { atr: Pick<AtrClient, 'resendAtr'> }, grievanceIdInput: string, requestedBy: string): Promise<ResendResult> {
  const grievanceId = parseGrievanceId(grievanceIdInput);
  const by = parseRequester(requestedBy);
  try {
    const { workflowId, ...outcome } = await deps.atr.resendAtr(grievanceId, by);
    return { grievanceId, workflowId, ...outcome, requestedBy: by };
  } catch (err) {
    if (err instanceof OperationRefusedError) throw new CliError(`resend refused for grievance ${grievanceId}: ${err.message}`);
    if (err instanceof FeedbackClosedError) throw new CliError(`resend refused for grievance ${grievanceId}: its workflow ${err.workflowId} has ended`);
    if (err instanceof GrievanceNotFoundError) throw new CliError(err.message);
    throw err;
  }
}

/** What the channel did with the resend, in the operator's words. */
export function resendHeadline(r: ResendResult): string {
  const channelName = r.channel === 'sms' ? 'the SMS gateway' : 'WhatsApp';
  if (r.status === 'FAILED') return `${r.channel === 'sms' ? 'SMS gateway' : 'WhatsApp'} refused: ${r.reason ?? 'no reason given'}`;
  if (r.channel === 'sms') return 'ATR sent by SMS (WhatsApp cannot reach this citizen)';
  if (r.status === 'READ') return 'ATR sent again on WhatsApp: delivered and read';
  if (r.status === 'DELIVERED') return 'ATR sent again on WhatsApp: delivered';
  return `ATR sent again, no receipt yet from ${channelName}`;
}

/** Whether the resend failed (the command then exits 1). */
export function resendFailed(r: ResendResult): boolean {
  return r.status === 'FAILED';
}

/** Prints what came of the resend (and a warning when the outcome was already decided), or JSON. */
export function printResend(result: ResendResult, out: Writer, json = false): void {
  if (json) return writeJson(out, result);
  if (result.outcomeDecided) {
    out.write(`warning: this closure's outcome is already decided (${result.outcomeDecided}); the resend changes nothing about it\n`);
  }
  out.write(`${resendHeadline(result)}\n`);
  out.write(`grievance ${result.grievanceId} (${result.workflowId}), resend #${result.resends} by ${result.requestedBy}\n`);
  out.write(`message id: ${result.messageId}\n`);
}
