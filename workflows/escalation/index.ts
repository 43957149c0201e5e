/**
 * One escalation, from "not satisfied" to its end: in the inbox at its start level (the department's officer in the
 * district, the district, or the state), a reminder at 75 % of the level's SLA, up one level when the SLA passes with
 * no resolution, BREACHED when the state's SLA passes too, RESOLVED when the portal disposes of the grievance again
 * (the next cycle's ATR workflow signals it). Officers act through updates meanwhile (run.ts). It is started by the
 * ATR workflow and outlives it. This file is the use case; state and handlers in run.ts, activity options in options.ts.
 */
import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { EscalationInput } from '../../contracts/escalation';
import type { EscalationResult } from '../../contracts/escalation-activities';
import { EscalationRun } from './run';

/** The escalation workflow: one per grievance and cycle (escalationWorkflowId). Endings are outcomes, not failures. */
export async function escalationWorkflow(input: EscalationInput): Promise<EscalationResult> {
  const run = new EscalationRun(input);
  run.setHandlers();
  await run.raise();

  while (!run.ended) {
    const epoch = run.clockEpoch;
    const woken = await condition(() => Boolean(run.redisposal) || run.answers.length > 0 || run.clockEpoch !== epoch, untilMs(run.nextDeadlineMs));
    if (run.redisposal) await run.resolve();
    else if (run.answers.length > 0) await run.takeAnswers();
    else if (woken) continue; // a transfer restarted the clock
    else if (!run.reminderSent) await run.remind();
    else if (run.view.level < 3) await run.raiseLevel();
    else await run.breach();
  }

  // An officer's action that began just before the end finishes (and is written) before the run does.
  await condition(allHandlersFinished);
  const { escalationId, status, level, resolvedBy } = run.view;
  return { escalationId, outcome: status === 'RESOLVED' ? 'RESOLVED' : 'BREACHED', level, ...(resolvedBy ? { resolvedBy } : {}) };
}

/** Time left until an instant, at least a millisecond (a timer of zero is not a timer). */
function untilMs(atMs: number): number {
  return Math.max(1, atMs - Date.now());
}
