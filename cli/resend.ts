/**
 * `sampark-atr resend <grievanceId> [--by NAME]`: sends the latest closure's ATR to the citizen again
 * (lost it, changed phones). The workflow decides whether it may; a refusal comes back with its reason.
 */
import { userInfo } from 'node:os';
import { FeedbackClosedError, GrievanceNotFoundError, OperationRefusedError, type AtrClient } from '../client';
import { CliError, writeJson, type Writer } from './output';
import { parseGrievanceId } from './status';

/** What a resend did. */
export interface ResendResult {
  grievanceId: string;
  workflowId: string;
  messageId: string;
  /** How many times the ATR has been sent again, this one included. */
  resends: number;
  requestedBy: string;
}

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
    const { workflowId, messageId, resends } = await deps.atr.resendAtr(grievanceId, by);
    return { grievanceId, workflowId, messageId, resends, requestedBy: by };
  } catch (err) {
    if (err instanceof OperationRefusedError) throw new CliError(`resend refused for grievance ${grievanceId}: ${err.message}`);
    if (err instanceof FeedbackClosedError) throw new CliError(`resend refused for grievance ${grievanceId}: its workflow ${err.workflowId} has ended`);
    if (err instanceof GrievanceNotFoundError) throw new CliError(err.message);
    throw err;
  }
}

/** Prints the new message id (and the resend count), or JSON. */
export function printResend(result: ResendResult, out: Writer, json = false): void {
  if (json) return writeJson(out, result);
  out.write(`ATR sent again for grievance ${result.grievanceId} (${result.workflowId}), resend #${result.resends} by ${result.requestedBy}\n`);
  out.write(`message id: ${result.messageId}\n`);
}
