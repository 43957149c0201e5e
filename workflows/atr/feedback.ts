/**
 * Waiting for the citizen's verdict: the feedback window with its reminders, the delivery deadline and the SMS
 * fallback, the acknowledgements, and the grace period in which late feedback is still recorded. Every channel
 * counts until the window ends (WhatsApp, the helpline, the portal, the SMS link page), whether or not the ATR
 * reached the citizen; nothing that was queued is dropped at any ending.
 */
import type { Acknowledgement, EscalationLevel, FeedbackSignal } from '../../contracts/workflow';
import { BLOCKED_RECHECK_MS, courtesy, sendSmsFallback } from './delivery';
import { store } from './options';
import type { AtrRun, Reminder } from './run';
import { HOUR_MS } from './schedule';
import { waitForDaytime, waitUntil } from './timers';

/** What ended the wait: the first feedback, silence until the window ended, an ATR to send again, or a newer closure. */
export type Verdict =
  | { kind: 'feedback'; feedback: FeedbackSignal }
  | { kind: 'silence' }
  /** The ATR failed on our side after it was accepted: hold it and send it again once the fault clears. */
  | { kind: 'blocked' }
  | { kind: 'superseded' };

/** Something due at a moment of the window. */
interface Due {
  at: number;
  summary: string;
  run: () => Promise<void>;
}

/**
 * Waits for the first feedback until the window ends, sending each reminder when it falls due. WhatsApp unable to
 * reach the citizen sends the SMS link at once. No delivery receipt by the policy's deadline is not a failure:
 * the SMS goes if a gateway is configured, and the WhatsApp conversation stays open either way. No WhatsApp
 * reminders go to a number WhatsApp cannot reach, nor once the SMS went.
 */
export async function awaitFeedback(run: AtrRun): Promise<Verdict> {
  const { opensAt, endsAt } = run.window!;
  run.enter('AWAITING_FEEDBACK');
  let smsStarted = false;
  const smsNeeded = () => !run.view.delivery.fallback && !run.smsFailure;
  const smsNow = () => run.undeliverable && smsNeeded() && !smsStarted;
  const settled = () => run.pendingFeedback.length > 0 || run.supersededBy !== undefined || run.statuses.atrFailedOnOurSide || smsNow();
  const timeline: Due[] = [];
  const schedule = (due: Due) => {
    timeline.push(due);
    timeline.sort((a, b) => a.at - b.at);
  };
  /** The SMS link; held by a fault on our side, it is tried again at each recheck while it is still wanted. */
  const sms = async (): Promise<void> => {
    smsStarted = true;
    if (!smsNeeded() || !(await waitForDaytime(run, 'quiet hours: SMS waits for daytime'))) return;
    if ((await sendSmsFallback(run)) === 'blocked') schedule({ at: Date.now() + BLOCKED_RECHECK_MS, summary: 'SMS held: recheck', run: sms });
  };
  for (const reminder of run.view.reminders) {
    schedule({
      at: Date.parse(reminder.dueAt),
      summary: `reminder ${reminder.number} due`,
      run: async () => {
        if (!run.undeliverable && !run.view.delivery.fallback) await remind(run, reminder);
      },
    });
  }
  schedule({
    at: opensAt + run.policy.deliveryDeadlineHours * HOUR_MS,
    summary: 'delivery deadline',
    run: async () => {
      if (run.statuses.awaitingDeliveryReport && smsNeeded()) await sms();
    },
  });

  for (;;) {
    if (run.supersededBy) return { kind: 'superseded' };
    const first = run.pendingFeedback.shift();
    if (first) return { kind: 'feedback', feedback: first.feedback };
    if (run.statuses.atrFailedOnOurSide) return { kind: 'blocked' };
    if (smsNow()) await sms();
    const next = timeline[0];
    if (!next || next.at >= endsAt) {
      if (!(await waitUntil(settled, endsAt, 'feedback window'))) return { kind: 'silence' };
      continue;
    }
    if (await waitUntil(settled, next.at, next.summary)) continue;
    timeline.shift();
    await next.run();
  }
}

/** Records the decisive feedback (exactly once per message id, however often retried). */
export async function recordDecisiveFeedback(run: AtrRun): Promise<void> {
  await run.events.recorded(); // the portal hears of the delivery before the feedback
  await store.recordFeedback({ workflowId: run.workflowId, feedback: run.view.feedback!, decisive: true, late: false });
}

/** Thanks the citizen or says what happens next (an ESCALATED one names `level`), in daytime; courtesy, so a failure is logged and the run moves on. */
export async function acknowledge(run: AtrRun, feedbackMessageId: string, ack: Acknowledgement, level?: EscalationLevel): Promise<void> {
  if (run.unreachable) return; // no channel reaches them: they answered on another one
  const input = { workflowId: run.workflowId, feedbackMessageId, ack, ...(level ? { level } : {}) };
  await courtesy(run, 'acknowledgement', () => run.messaging.courtesy.acknowledgeFeedback(input));
}

/**
 * Keeps the run open until the grace period ends, recording and acknowledging any further feedback (and details
 * that came on their own) without changing the outcome. A newer closure ends it at once.
 */
export async function keepOpenForLateFeedback(run: AtrRun): Promise<void> {
  const { closesAt } = run.window!;
  run.enter('LATE_FEEDBACK_OPEN');
  const queued = () => run.pendingFeedback.length + run.pendingDetails.length > 0 || run.supersededBy !== undefined;
  do {
    await recordQueued(run, true);
  } while (!run.supersededBy && (await waitUntil(queued, closesAt, 'open for late feedback')));
  await recordQueued(run, false);
}

/**
 * Records every feedback and details still queued as non-decisive (late when it came after the window), and
 * acknowledges each feedback when asked to. Nothing queued is dropped at any ending.
 */
export async function recordQueued(run: AtrRun, acknowledgeEach: boolean): Promise<void> {
  const endsAt = run.window?.endsAt ?? Infinity;
  for (let next; (next = run.pendingFeedback.shift()); ) {
    const late = next.arrivedAt >= endsAt;
    run.addOtherFeedback(next.feedback, late);
    await store.recordFeedback({ workflowId: run.workflowId, feedback: next.feedback, decisive: false, late });
    if (acknowledgeEach && !run.supersededBy) await acknowledge(run, next.feedback.messageId, late ? 'LATE' : 'ALREADY_RECORDED');
  }
  for (let details; (details = run.pendingDetails.shift()); ) {
    await store.recordDetails({ workflowId: run.workflowId, details, escalationId: run.view.escalation?.escalationId });
  }
}

/** The one place a reminder is sent. */
async function remind(run: AtrRun, reminder: Reminder): Promise<void> {
  const sent = await courtesy(run, `reminder ${reminder.number}`, () => run.messaging.courtesy.sendReminder({ workflowId: run.workflowId, number: reminder.number }));
  if (sent) run.markReminderSent(reminder, sent.messageId);
}
