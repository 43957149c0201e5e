/**
 * After "not satisfied": the WhatsApp dialogue that gathers the reason and a comment or voice note, then
 * the escalation one level higher per cycle and the portal's reopen callback.
 */
import { condition } from '@temporalio/workflow';
import { escalationLevelFor } from '../../contracts/workflow';
import { courtesy } from './delivery';
import { portal, store } from './options';
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
  if (!fb.comment && !fb.voiceMediaId && (await ask(run, 'askForComment'))) {
    await condition(() => Boolean(fb.comment || fb.voiceMediaId) || superseded(), wait, { summary: 'comment or voice note from the citizen' });
  }
}

/** Puts the escalation in the department's inbox, then asks the portal to reopen the grievance. */
export async function escalate(run: AtrRun): Promise<void> {
  run.enter('ESCALATING');
  const { workflowId } = run;
  const level = escalationLevelFor(run.view.cycle);
  const feedback = run.view.feedback!;
  const { escalationId } = await store.escalate({ workflowId, level, feedback });
  run.markEscalated(escalationId, level);
  const { status, error } = await portal.notifyPortal({ workflowId, escalationId, level, feedback });
  run.markPortalAnswered(status, error);
}

/** A prompt goes in daytime (the wait for the answer counts from it); one that could not be sent is not waited for. */
async function ask(run: AtrRun, prompt: 'askForReason' | 'askForComment'): Promise<boolean> {
  const sent = await courtesy(run, prompt, () => run.messaging.courtesy[prompt]({ workflowId: run.workflowId }));
  return sent !== undefined;
}
