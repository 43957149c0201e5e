/**
 * `sampark-atr resume [--grievance ID] [--by NAME]`: ops fixed a fault on our side (rotated the token, got the
 * template approved). Every open channel breaker probes on its next send, and every blocked closure (found
 * through visibility by its DeliveryBlocked search attribute, or the one grievance asked for) is told to try
 * again now instead of at its next check. Without this command they resume by themselves within 2 minutes.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { ATR_WORKFLOW_TYPE, SA, resumeDeliverySignal } from '../contracts/workflow';
import { createChannelBreakerRepository, type OpenBreaker } from '../db/repositories/channel-breakers';
import { formatTable, istTime, writeJson, type Writer } from './output';

/** What `resume` did. */
export interface ResumeResult {
  requestedBy: string;
  /** The breakers that were open; each now probes on its next send. */
  breakers: OpenBreaker[];
  /** The closures told to try again, with what blocked them. */
  resumed: { workflowId: string; grievanceId: string | null; blockedBy: string | null }[];
  /** Closures that ended between the search and the signal. */
  ended: string[];
}

/** What `resume` needs: Temporal (visibility and signals) and PostgreSQL (the breakers of this deployment's task queue). */
export interface ResumeDeps {
  client: Client;
  pool: Pool;
  taskQueue: string;
}

/**
 * The running closures to resume. Values are quoted only because the grievance id passed GrievanceIdSchema
 * (letters, digits, - and _): it cannot close the literal.
 */
export function buildResumeQuery(grievanceId?: string): string {
  const clauses = [`WorkflowType = "${ATR_WORKFLOW_TYPE}"`, 'ExecutionStatus = "Running"'];
  clauses.push(grievanceId ? `${SA.grievanceId.name} = "${grievanceId}"` : `${SA.deliveryBlocked.name} IS NOT NULL`);
  return clauses.join(' AND ');
}

/** Arms the breakers' probes, then signals each blocked closure. */
export async function runResume(deps: ResumeDeps, opts: { grievanceId?: string; requestedBy: string }): Promise<ResumeResult> {
  // Probes first: a closure that tries again at once must find its channel ready to probe, not still shut.
  const breakers = await createChannelBreakerRepository(deps.pool, deps.taskQueue).probeNow();
  const resumed: ResumeResult['resumed'] = [];
  const ended: string[] = [];
  for await (const wf of deps.client.workflow.list({ query: buildResumeQuery(opts.grievanceId), pageSize: 100 })) {
    try {
      await deps.client.workflow.getHandle(wf.workflowId).signal(resumeDeliverySignal, { requestedBy: opts.requestedBy });
      resumed.push({ workflowId: wf.workflowId, grievanceId: wf.typedSearchAttributes.get(SA.grievanceId) ?? null, blockedBy: wf.typedSearchAttributes.get(SA.deliveryBlocked) ?? null });
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      ended.push(wf.workflowId);
    }
  }
  return { requestedBy: opts.requestedBy, breakers, resumed, ended };
}

/** Prints what was done, or JSON. */
export function printResume(result: ResumeResult, out: Writer, json = false): void {
  if (json) return writeJson(out, result);
  if (!result.breakers.length) out.write('No channel breaker was open.\n');
  for (const b of result.breakers) {
    out.write(`Channel ${b.channel}: breaker open since ${istTime(b.openedAt)} on ${b.code} (${b.reason}); its next send probes now.\n`);
  }
  if (!result.resumed.length) out.write('No blocked closure to resume.\n');
  else {
    out.write(`Told ${result.resumed.length} closure${result.resumed.length === 1 ? '' : 's'} to try again now (requested by ${result.requestedBy}):\n`);
    const rows = result.resumed.map((r) => [r.workflowId, r.grievanceId ?? '-', r.blockedBy ?? '-']);
    out.write(formatTable([{ header: 'WORKFLOW ID' }, { header: 'GRIEVANCE' }, { header: 'BLOCKED BY' }], rows).split('\n').map((l) => (l ? `  ${l}` : l)).join('\n'));
  }
  if (result.ended.length) out.write(`${result.ended.length} ended before they could be told: ${result.ended.join(', ')}\n`);
}
