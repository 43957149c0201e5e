/**
 * After "not satisfied": the WhatsApp dialogue that gathers the reason and a comment or voice note, then
 * the escalation at the level the cycle and reason call for (escalationStartLevel: misconduct goes straight to the
 * state, marked for vigilance), which the portal hears of as events (escalation.raised, grievance.reopen).
 */
import { ParentClosePolicy, condition, startChild } from '@temporalio/workflow';
import { reasonNeedsComment } from '../../contracts/closure';
import {
  DEFAULT_ESCALATION_SLA_HOURS,
  ESCALATION_WORKFLOW_TYPE,
  escalationStartLevel,
  escalationWorkflowId,
  isVigilanceReason,
  type EscalationInput,
} from '../../contracts/escalation';
import type { EscalationLevel } from '../../contracts/workflow';
import { courtesy } from './delivery';
import { store } from './options';
import type { AtrRun } from './run';

/**
 * On WhatsApp, offers the list of reasons, then invites a comment or voice note, each waited for up to
 * the policy's details wait. From the helpline the reason and comment come with the feedback itself.
 */
export async function awaitDetails(run: AtrRun): Promise<void> {
  const fb = run.view.feedback!; // details signals fold into this very object (AtrRun.mergeDetails)
  const { detailsWaitMinutes } = run.policy;
  if (fb.channel !== 'whatsapp' || detailsWaitMinutes <= 0) return;
  run.enter('AWAITING_DETAILS');
  const wait = detailsWaitMinutes * 60_000;
  // A newer closure ends the dialogue: the verdict stands and is escalated, but nothing more is asked.
  const superseded = () => run.supersededBy !== undefined;
  if (!fb.reason && (await ask(run, 'askForReason'))) {
    await condition(() => Boolean(fb.reason) || superseded(), wait, { summary: 'reason from the citizen' });
  }
  if (!fb.comment && !fb.voiceMediaId && (await askForComment(run))) {
    await condition(() => Boolean(fb.comment || fb.voiceMediaId) || superseded(), wait, { summary: 'comment or voice note from the citizen' });
  }
}

/**
 * Puts the escalation in the inbox at its start level (by cycle; misconduct straight to the state, marked for
 * vigilance), which tells the portal (escalation.raised, grievance.reopen), then starts its ladder: a workflow of
 * its own that outlives this one.
 */
export async function escalate(run: AtrRun): Promise<void> {
  run.enter('ESCALATING');
  const { workflowId } = run;
  const feedback = run.view.feedback!;
  const level = escalationStartLevel(run.view.cycle, feedback.reason);
  const { escalationId } = await store.escalate({ workflowId, level, feedback, vigilance: isVigilanceReason(feedback.reason) });
  run.markEscalated(escalationId, level);
  await startLadder(run, escalationId, level);
}

/** Starts the escalation's ladder and waits only until it has started: it lives on when this run ends. */
async function startLadder(run: AtrRun, escalationId: string, startLevel: EscalationLevel): Promise<void> {
  const { grievanceId, cycle, departmentCode, districtCode, feedback } = run.view;
  const input: EscalationInput = {
    escalationId,
    grievanceId,
    cycle,
    atrWorkflowId: run.workflowId,
    departmentCode,
    districtCode,
    startLevel,
    ...(feedback?.reason ? { reason: feedback.reason } : {}),
    vigilance: isVigilanceReason(feedback?.reason),
    slaHours: { ...DEFAULT_ESCALATION_SLA_HOURS, ...run.policy.escalationSlaHours },
  };
  await startChild(ESCALATION_WORKFLOW_TYPE, {
    workflowId: escalationWorkflowId(grievanceId, cycle),
    args: [input],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  }).catch((err: unknown) => {
    // Already started (this run was retried from history elsewhere): the ladder is running, which is what we want.
    if (!(err instanceof Error && err.name === 'WorkflowExecutionAlreadyStartedError')) throw err;
  });
}

/** A prompt goes in daytime (the wait for the answer counts from it); one that could not be sent is not waited for. */
async function ask(run: AtrRun, prompt: 'askForReason'): Promise<boolean> {
  const sent = await courtesy(run, prompt, () => run.messaging.courtesy[prompt]({ workflowId: run.workflowId }));
  return sent !== undefined;
}

/** The comment prompt names where the grievance goes (its reason is known by now) and, after OTHER, asks for the reason. */
async function askForComment(run: AtrRun): Promise<boolean> {
  const { cycle, feedback } = run.view;
  const input = { workflowId: run.workflowId, level: escalationStartLevel(cycle, feedback!.reason), commentRequired: reasonNeedsComment(feedback!.reason) };
  const sent = await courtesy(run, 'askForComment', () => run.messaging.courtesy.askForComment(input));
  return sent !== undefined;
}
