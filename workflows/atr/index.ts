/**
 * One grievance closure, from disposal to the citizen's verdict: record it, render the ATR, deliver it
 * by day, wait for feedback with reminders, escalate "not satisfied" one level higher per cycle, and stay
 * open a while for late replies. This file is the use case; the run's state and handlers are in run.ts,
 * activity options in options.ts, and each step in the file named for it.
 *
 * Histories in flight replay this code: a change to the order or kind of commands needs patched() and a
 * replay fixture (see test/replay).
 */
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Closure } from '../../contracts/closure';
import { SA, initialSearchAttributes, type AtrResult, type Outcome } from '../../contracts/workflow';
import { deliverAtr, sendSmsFallback } from './delivery';
import { awaitDetails, escalate } from './escalation';
import { acknowledge, awaitFeedback, keepOpenForLateFeedback, recordDecisiveFeedback } from './feedback';
import { renderer, store } from './options';
import { AtrRun } from './run';
import { nextSendableTime } from './schedule';
import { sleepUntil } from './timers';

/** The ATR workflow: one per closure (grievance id + cycle). Business endings are outcomes, not failures. */
export async function atrWorkflow(closure: Closure): Promise<AtrResult> {
  const run = new AtrRun(closure);
  run.setHandlers();
  ensureSearchAttributes(closure);
  const { workflowId } = run;

  run.setPolicy((await store.recordClosure({ workflowId, closure })).policy);
  run.enter('RENDERING');
  run.setAtr(await renderer.renderAtr({ workflowId }));
  run.enter('WAITING_FOR_DAYTIME');
  await sleepUntil(nextSendableTime(Date.now(), run.policy.quietHours), 'quiet hours: ATR waits for daytime');

  const reached = (await deliverAtr(run)) || (await sendSmsFallback(run));
  if (!reached) return finish(run, 'UNDELIVERABLE');

  run.openFeedbackWindow();
  const decisive = await awaitFeedback(run);
  if (run.unreachable) return finish(run, 'UNDELIVERABLE');
  if (!decisive) return finish(run, 'NO_RESPONSE');

  run.decide(decisive);
  if (decisive.rating === 'SATISFIED') {
    await recordDecisiveFeedback(run);
    await acknowledge(run, decisive.messageId, 'SATISFIED');
    return finish(run, 'SATISFIED');
  }

  await awaitDetails(run);
  await recordDecisiveFeedback(run);
  await escalate(run);
  await acknowledge(run, decisive.messageId, 'ESCALATED');
  return finish(run, 'ESCALATED');
}

/**
 * Records the outcome, then (once the ATR reached the citizen) keeps the run open until the grace
 * period ends, so late feedback is still recorded and acknowledged.
 */
async function finish(run: AtrRun, outcome: Outcome): Promise<AtrResult> {
  const reason = run.end(outcome);
  await store.recordOutcome({ workflowId: run.workflowId, outcome, reason });
  if (run.window && outcome !== 'UNDELIVERABLE') await keepOpenForLateFeedback(run);
  return run.complete();
}

/** The client sets the search attributes at start; a workflow started by hand gets them here. */
function ensureSearchAttributes(closure: Closure): void {
  if (workflowInfo().typedSearchAttributes.get(SA.grievanceId) !== undefined) return;
  upsertSearchAttributes(initialSearchAttributes(closure));
}
