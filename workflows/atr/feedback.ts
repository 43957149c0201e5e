/**
 * Waiting for the citizen's verdict: the feedback window with its reminders and the SMS fallback, the
 * acknowledgements, and the grace period in which late feedback is still recorded.
 */
import type { Acknowledgement, FeedbackSignal } from '../../contracts/workflow';
import { sendSmsFallback } from './delivery';
import { store } from './options';
import type { AtrRun, Reminder } from './run';
import { HOUR_MS } from './schedule';
import { waitUntil } from './timers';

/** A message that is not delivered within a day is assumed lost (phone off, not on WhatsApp): send the SMS. */
const DELIVERY_DEADLINE_MS = 24 * HOUR_MS;

/** Something due at a moment of the window. */
interface Due {
  at: number;
  summary: string;
  run: () => Promise<void>;
}

/**
 * Waits for the first feedback until the window closes, sending each reminder when it falls due. A
 * permanent WhatsApp failure (131026) sends the SMS fallback at once, and so does an ATR still not
 * delivered a day after it went; after the fallback no WhatsApp reminders go.
 * Returns undefined when the window closes in silence, or when neither channel can reach the citizen.
 */
export async function awaitFeedback(run: AtrRun): Promise<FeedbackSignal | undefined> {
  const { opensAt, endsAt } = run.window!;
  const settled = () => run.pendingFeedback.length > 0 || run.unreachable;
  const timeline: Due[] = [
    ...run.view.reminders.map((reminder) => ({
      at: Date.parse(reminder.dueAt),
      summary: `reminder ${reminder.number} due`,
      run: async () => {
        if (!run.view.delivery.fallback) await remind(run, reminder);
      },
    })),
    {
      at: opensAt + DELIVERY_DEADLINE_MS,
      summary: 'delivery within 24 h',
      run: async () => {
        if (run.awaitingDeliveryReport && !run.view.delivery.fallback) await sendSmsFallback(run);
      },
    },
  ].sort((a, b) => a.at - b.at);

  for (;;) {
    if (run.unreachable && !(await sendSmsFallback(run))) return undefined;
    if (run.pendingFeedback.length > 0) return run.pendingFeedback.shift()!.feedback;
    const next = timeline[0];
    if (!next || next.at >= endsAt) {
      if (!(await waitUntil(settled, endsAt, 'feedback window'))) return undefined;
      continue;
    }
    if (await waitUntil(settled, next.at, next.summary)) continue;
    timeline.shift();
    await next.run();
  }
}

/** Records the decisive feedback (exactly once per message id, however often retried). */
export async function recordDecisiveFeedback(run: AtrRun): Promise<void> {
  await store.recordFeedback({ workflowId: run.workflowId, feedback: run.view.feedback!, decisive: true, late: false });
}

/** Thanks the citizen or says what happens next; courtesy, so a failure is logged and the run moves on. */
export async function acknowledge(run: AtrRun, feedbackMessageId: string, ack: Acknowledgement): Promise<void> {
  await run.bestEffort('acknowledgement not sent', { ack }, () =>
    run.messaging.courtesy.acknowledgeFeedback({ workflowId: run.workflowId, feedbackMessageId, ack }),
  );
}

/**
 * Keeps the run open until the grace period ends, recording and acknowledging any further feedback
 * (and details that came on their own) without changing the outcome.
 */
export async function keepOpenForLateFeedback(run: AtrRun): Promise<void> {
  const { endsAt, closesAt } = run.window!;
  run.enter('LATE_FEEDBACK_OPEN');
  const pending = () => run.pendingFeedback.length + run.pendingDetails.length > 0;
  do {
    for (let next; (next = run.pendingFeedback.shift()); ) {
      const late = next.arrivedAt >= endsAt;
      run.addOtherFeedback(next.feedback, late);
      await store.recordFeedback({ workflowId: run.workflowId, feedback: next.feedback, decisive: false, late });
      await acknowledge(run, next.feedback.messageId, late ? 'LATE' : 'ALREADY_RECORDED');
    }
    for (let details; (details = run.pendingDetails.shift()); ) {
      await store.recordDetails({ workflowId: run.workflowId, details, escalationId: run.view.escalation?.escalationId });
    }
  } while (await waitUntil(pending, closesAt, 'open for late feedback'));
}

/** The one place a reminder is sent. */
async function remind(run: AtrRun, reminder: Reminder): Promise<void> {
  const sent = await run.bestEffort('reminder not sent', { number: reminder.number }, () =>
    run.messaging.courtesy.sendReminder({ workflowId: run.workflowId, number: reminder.number }),
  );
  if (sent) run.markReminderSent(reminder, sent.messageId);
}
