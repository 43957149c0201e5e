/**
 * One grievance closure, from disposal to the citizen's verdict: record it (superseding the grievance's older
 * cycles), render the ATR, get it to the citizen by day (held, visibly, while a fault on our side blocks the
 * channel), wait for feedback on every channel with reminders, escalate "not satisfied" one level higher per
 * cycle, and stay open a while for late replies. Only the citizen decides an outcome: their answer, their
 * silence, or a number no channel can reach; a fault on our side never does. This file is the use case; the
 * run's state and handlers are in run.ts, activity options in options.ts, and each step in the file named for it.
 *
 * Histories in flight replay this code: a change to the order or kind of commands needs patched() and a
 * replay fixture (see test/replay).
 */
import { allHandlersFinished, condition, getExternalWorkflowHandle, log, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Closure } from '../../contracts/closure';
import { escalationWorkflowId, resolvedByRedisposalSignal } from '../../contracts/escalation';
import { SA, initialSearchAttributes, supersededSignal, type Acknowledgement, type AtrResult, type Outcome } from '../../contracts/workflow';
import { deliver } from './delivery';
import { awaitDetails, escalate } from './escalation';
import { acknowledge, awaitFeedback, keepOpenForLateFeedback, recordDecisiveFeedback, recordQueued, type Verdict } from './feedback';
import { renderer, store } from './options';
import { AtrRun, type CarriedRun } from './run';

/**
 * The ATR workflow: one per closure (grievance id + cycle). Business endings are outcomes, not failures.
 * `carried` is set only when a long hold continued as new (delivery.ts).
 */
export async function atrWorkflow(closure: Closure, carried?: CarriedRun): Promise<AtrResult> {
  const run = new AtrRun(closure, carried);
  run.setHandlers();
  ensureSearchAttributes(closure);
  if (!carried) await prepare(run, closure);

  let verdict: Verdict;
  do {
    const reach = await deliver(run);
    if (reach === 'out') run.openFeedbackWindow();
    else run.openWindowFromFirstAttempt();
    verdict = await awaitFeedback(run);
  } while (verdict.kind === 'blocked');

  if (verdict.kind === 'superseded') return finish(run, 'SUPERSEDED');
  if (verdict.kind === 'silence') return finish(run, run.unreachable ? 'UNDELIVERABLE' : 'NO_RESPONSE');

  const decisive = verdict.feedback;
  run.decide(decisive);
  if (decisive.rating === 'SATISFIED') {
    await recordDecisiveFeedback(run);
    return finish(run, 'SATISFIED', decisive.messageId);
  }

  await awaitDetails(run);
  await recordDecisiveFeedback(run);
  await escalate(run);
  return finish(run, 'ESCALATED', decisive.messageId);
}

/** Records the closure, tells the grievance's older live cycles that this one takes over, and renders the ATR. */
async function prepare(run: AtrRun, closure: Closure): Promise<void> {
  const { workflowId } = run;
  const { policy, supersedes } = await store.recordClosure({ workflowId, closure });
  run.setPolicy(policy);
  for (const older of supersedes) {
    // A cycle that has already ended (or was never started) needs no telling.
    await getExternalWorkflowHandle(older)
      .signal(supersededSignal, { byWorkflowId: workflowId, cycle: closure.cycle })
      .catch((err: unknown) => log.info('older cycle not signalled', { workflowId, older, error: err instanceof Error ? err.message : String(err) }));
  }
  if (closure.cycle > 1) await resolveEscalation(workflowId, closure);
  run.enter('RENDERING');
  run.setAtr(await renderer.renderAtr({ workflowId }));
}

/** This closure is the re-disposal the previous cycle's escalation waited for: it ends RESOLVED. */
async function resolveEscalation(workflowId: string, closure: Closure): Promise<void> {
  const escalation = escalationWorkflowId(closure.grievanceId, closure.cycle - 1);
  // No escalation (the citizen was satisfied, or it has ended) needs no telling.
  await getExternalWorkflowHandle(escalation)
    .signal(resolvedByRedisposalSignal, { byWorkflowId: workflowId, cycle: closure.cycle })
    .catch((err: unknown) => log.info('no running escalation to resolve', { workflowId, escalation, error: err instanceof Error ? err.message : String(err) }));
}

/**
 * Records the outcome, acknowledges the decisive feedback (by day), then keeps the run open until the grace period
 * ends, so late feedback is still recorded and acknowledged. A superseded run records what was queued and ends.
 */
async function finish(run: AtrRun, outcome: Outcome, decisiveMessageId?: string): Promise<AtrResult> {
  const reason = run.end(outcome);
  await run.events.recorded(); // the outcome is the closure's last event but late feedback

  // The SMS link lives as long as the run takes feedback: a superseded run stops now, any other after its grace period.
  const linksCloseAt = new Date(run.supersededBy || !run.window ? Date.now() : run.window.closesAt).toISOString();
  await store.recordOutcome({ workflowId: run.workflowId, outcome, reason, linksCloseAt });
  const ack: Acknowledgement | undefined = outcome === 'SATISFIED' || outcome === 'ESCALATED' ? outcome : undefined;
  if (ack && decisiveMessageId && !run.supersededBy) await acknowledge(run, decisiveMessageId, ack, run.view.escalation?.level);
  if (run.supersededBy) await recordQueued(run, false);
  else await keepOpenForLateFeedback(run);
  // An ops resend still waiting for its receipt finishes before the run does, so its caller gets an answer.
  await condition(allHandlersFinished);
  return run.complete();
}

/** The client sets the search attributes at start; a workflow started by hand gets them here. */
function ensureSearchAttributes(closure: Closure): void {
  if (workflowInfo().typedSearchAttributes.get(SA.grievanceId) !== undefined) return;
  upsertSearchAttributes(initialSearchAttributes(closure));
}
