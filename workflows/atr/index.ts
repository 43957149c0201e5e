/**
 * One grievance closure, from disposal to the citizen's verdict:
 * record it, render the ATR, deliver it by day, wait for feedback with reminders,
 * escalate "not satisfied" one level higher per cycle, and stay open a while for late replies.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  log,
  patched,
  proxyActivities,
  setHandler,
  type ActivityOptions,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
// eslint-disable-next-line house/imports -- until contracts name the activity interface (house plan, item 5)
import type { AtrActivities } from '../../activities';
import type { Closure } from '../../contracts/closure';
import {
  DELIVERY_RANK,
  ESCALATION_LEVELS,
  FAILURES,
  SA,
  deliveryStatusSignal,
  initialSearchAttributes,
  escalationLevelFor,
  feedbackDetailsSignal,
  feedbackSignal,
  messagingTaskQueue,
  resendAtrUpdate,
  stateQuery,
  type Acknowledgement,
  type AtrResult,
  type AtrState,
  type DeliveryStatusSignal,
  type FeedbackDetailsSignal,
  type FeedbackPolicy,
  type FeedbackSignal,
  type Outcome,
  type RecordedFeedback,
} from '../../contracts/workflow';
import { HOUR_MS, iso, nextSendableTime, reminderTimes } from './schedule';

/** Postgres calls: retried without limit (an outage must not lose a closure), backing off to a minute. */
const store = proxyActivities<AtrActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: [FAILURES.invalidClosure] },
});

/** Rendering is CPU work plus one insert; a render that takes minutes is stuck, so retry it. */
const renderer = proxyActivities<AtrActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: [FAILURES.invalidClosure] },
});

/** The ATR itself: keep trying through channel outages (ops see the retries); permanent refusals end it. */
const DELIVERY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1m',
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '10m',
    nonRetryableErrorTypes: [FAILURES.invalidClosure, FAILURES.undeliverable, FAILURES.messagingRejected],
  },
};

/** Reminders, acknowledgements, the not-satisfied dialogue: a message that cannot go out within two hours is stale. */
const COURTESY_OPTIONS: ActivityOptions = { ...DELIVERY_OPTIONS, scheduleToCloseTimeout: '2h' };

/** The activities that message the citizen, on the task queue this execution uses for them. */
interface Channels {
  delivery: ReturnType<typeof proxyActivities<AtrActivities>>;
  courtesy: ReturnType<typeof proxyActivities<AtrActivities>>;
}

/** Workflows started before the messaging queue existed keep sending from their own queue. */
function channelsOn(taskQueue?: string): Channels {
  return {
    delivery: proxyActivities<AtrActivities>({ ...DELIVERY_OPTIONS, ...(taskQueue ? { taskQueue } : {}) }),
    courtesy: proxyActivities<AtrActivities>({ ...COURTESY_OPTIONS, ...(taskQueue ? { taskQueue } : {}) }),
  };
}

/**
 * Patch: the WhatsApp dialogue after "not satisfied" (a list of reasons, then an invitation to comment or
 * send a voice note), the SMS fallback when WhatsApp cannot reach the citizen, and messages sent from the
 * rate-limited messaging task queue. Histories from before it replay the old path (see test/replay).
 */
export const WHATSAPP_V2_PATCH = 'whatsapp-dialogue-sms-fallback-v2';

/**
 * Patch: a delivery status that reaches the workflow before the ATR's send has completed (a worker died
 * between Meta's answer and the activity's completion, or the webhook simply won the race) is kept and
 * applied once the message id is known. Before it, such a status was dropped, and a delivered ATR could
 * stay SENT and draw the SMS fallback a day later.
 */
export const EARLY_STATUS_PATCH = 'apply-early-delivery-status-v3';

/** Statuses kept while the ATR's message id is unknown: sent, delivered, read, failed, each perhaps twice. */
const EARLY_STATUS_LIMIT = 16;

/** A message that is not delivered within a day is assumed lost (phone off, not on WhatsApp): send the SMS. */
const DELIVERY_DEADLINE_MS = 24 * HOUR_MS;

/** The portal reopen callback: retried until the portal answers, however long it is down. */
const portal = proxyActivities<AtrActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '15m' },
});

/** The ATR workflow: one per closure (grievance id + cycle). */
export async function atrWorkflow(closure: Closure): Promise<AtrResult> {
  const { workflowId } = workflowInfo();
  const seenMessageIds = new Set<string>();
  const unprocessed: Unprocessed = { feedback: [], details: [] };
  const state: AtrState = {
    grievanceId: closure.grievanceId,
    cycle: closure.cycle,
    departmentCode: closure.department.code,
    districtCode: closure.district.code,
    language: closure.citizen.language,
    stage: 'RECORDING',
    delivery: { status: 'PENDING' },
    reminders: [],
    otherFeedback: [],
  };

  setHandler(stateQuery, () => state);
  setHandler(feedbackSignal, (feedback) => {
    if (seenMessageIds.has(feedback.messageId)) return; // a redelivered webhook or a retried request
    seenMessageIds.add(feedback.messageId);
    unprocessed.feedback.push({ feedback, arrivedAt: Date.now() });
  });
  setHandler(feedbackDetailsSignal, (details) => {
    if (seenMessageIds.has(details.messageId)) return;
    seenMessageIds.add(details.messageId);
    if (!mergeDetails(state, details)) unprocessed.details.push(details);
  });
  const early: DeliveryStatusSignal[] = [];
  setHandler(deliveryStatusSignal, (report) => {
    if (state.delivery.messageId) applyDeliveryStatus(state, report);
    else if (early.length < EARLY_STATUS_LIMIT) early.push(report);
  });
  const sending: { channels?: Channels } = {}; // known once the ATR is on its way
  setHandler(
    resendAtrUpdate,
    async ({ requestedBy }) => {
      const resends = (state.resends ??= []);
      const { messageId } = await sending.channels!.delivery.resendAtr({ workflowId, atrId: state.atr!.atrId, number: resends.length + 1 });
      resends.push({ messageId, sentAt: iso(Date.now()), requestedBy });
      return { messageId, resends: resends.length };
    },
    {
      validator: (_request) => {
        if (!sending.channels || !state.delivery.messageId) throw new Error('the ATR has not been sent yet');
        if (state.stage === 'COMPLETED') throw new Error('this closure is complete');
        if (unreachable(state)) throw new Error('WhatsApp cannot reach this citizen (see the delivery reason)');
        if (nextSendableTime(Date.now(), state.policy?.quietHours ?? null) !== Date.now()) throw new Error('quiet hours: no messages to citizens now; try after they end');
      },
    },
  );

  ensureSearchAttributes(closure);
  const { policy } = await store.recordClosure({ workflowId, closure });
  state.policy = policy;

  state.stage = 'RENDERING';
  state.atr = await renderer.renderAtr({ workflowId });

  state.stage = 'WAITING_FOR_DAYTIME';
  await sleepUntil(nextSendableTime(Date.now(), policy.quietHours), 'quiet hours: ATR waits for daytime');

  state.stage = 'DELIVERING';
  const v2 = patched(WHATSAPP_V2_PATCH);
  const ch = channelsOn(v2 ? messagingTaskQueue(workflowInfo().taskQueue) : undefined);
  sending.channels = ch;
  const sent = await deliverAtr(ch, workflowId, state, early);
  if (!sent && !(v2 && (await smsFallback(ch, workflowId, state)))) return finish(ch, workflowId, state, 'UNDELIVERABLE', state.delivery.reason);

  state.stage = 'AWAITING_FEEDBACK';
  const deliveredAt = Date.now();
  const windowEnd = deliveredAt + policy.feedbackWindowHours * HOUR_MS;
  state.feedbackWindowEndsAt = iso(windowEnd);
  state.closesAt = iso(windowEnd + policy.lateFeedbackGraceHours * HOUR_MS);
  state.reminders = reminderTimes(deliveredAt, policy).map((at, i) => ({ number: i + 1, dueAt: iso(at) }));

  const decisive = v2
    ? await awaitFeedbackWithFallback(ch, workflowId, state, unprocessed, windowEnd, deliveredAt + DELIVERY_DEADLINE_MS)
    : await awaitFeedback(ch, workflowId, state, unprocessed, windowEnd);
  if (unreachable(state)) return finish(ch, workflowId, state, 'UNDELIVERABLE', state.delivery.reason, windowEnd, unprocessed);
  if (!decisive) return finish(ch, workflowId, state, 'NO_RESPONSE', undefined, windowEnd, unprocessed);

  state.feedback = { ...decisive, decisive: true, late: false };
  if (decisive.rating === 'SATISFIED') {
    await store.recordFeedback({ workflowId, feedback: state.feedback, decisive: true, late: false });
    await acknowledge(ch, workflowId, decisive.messageId, 'SATISFIED');
    return finish(ch, workflowId, state, 'SATISFIED', undefined, windowEnd, unprocessed);
  }

  await (v2 ? awaitDetailsDialogue(ch, workflowId, state, policy) : awaitDetails(state, policy));
  await store.recordFeedback({ workflowId, feedback: state.feedback, decisive: true, late: false });
  await escalate(workflowId, state, closure.cycle);
  await acknowledge(ch, workflowId, decisive.messageId, 'ESCALATED');
  return finish(ch, workflowId, state, 'ESCALATED', undefined, windowEnd, unprocessed);
}

/** Feedback and details that arrived but are not yet handled, in arrival order. */
interface Unprocessed {
  feedback: { feedback: FeedbackSignal; arrivedAt: number }[];
  details: FeedbackDetailsSignal[];
}

async function sleepUntil(at: number, summary: string): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await sleep(ms, { summary });
}

/** Waits until `fn` holds or `at` passes, without a timer when `at` is already past. */
async function waitUntil(fn: () => boolean, at: number, summary: string): Promise<boolean> {
  const ms = at - Date.now();
  return ms > 0 ? condition(fn, ms, { summary }) : fn();
}

/** The client sets the search attributes at start; a workflow started by hand gets them here. */
function ensureSearchAttributes(closure: Closure): void {
  if (workflowInfo().typedSearchAttributes.get(SA.grievanceId) !== undefined) return;
  upsertSearchAttributes(initialSearchAttributes(closure));
}

/** Sends the ATR; false when the channel says it can never reach this citizen. */
async function deliverAtr({ delivery }: Channels, workflowId: string, state: AtrState, early: DeliveryStatusSignal[]): Promise<boolean> {
  try {
    const { messageId } = await delivery.deliverAtr({ workflowId, atrId: state.atr!.atrId });
    state.delivery = { ...state.delivery, status: higher(state.delivery.status, 'SENT'), messageId, sentAt: iso(Date.now()) };
    upsertSearchAttributes([{ key: SA.deliveryStatus, value: state.delivery.status }]);
    // Only a history with early statuses asks: the common path records no marker.
    if (early.length > 0 && patched(EARLY_STATUS_PATCH)) for (const report of early.splice(0)) applyDeliveryStatus(state, report);
    return !isUndeliverable(state);
  } catch (err) {
    const reason = permanentReason(err);
    if (!reason) throw err;
    state.delivery = { ...state.delivery, status: 'UNDELIVERABLE', reason, updatedAt: iso(Date.now()) };
    return false;
  }
}

/**
 * Waits for the first feedback until the window closes, sending each reminder when it falls due.
 * Returns undefined when the window closes in silence or delivery fails for good.
 */
async function awaitFeedback(
  { courtesy }: Channels,
  workflowId: string,
  state: AtrState,
  unprocessed: Unprocessed,
  windowEnd: number,
): Promise<FeedbackSignal | undefined> {
  const settled = () => unprocessed.feedback.length > 0 || isUndeliverable(state);
  for (const reminder of state.reminders) {
    if (await waitUntil(settled, Date.parse(reminder.dueAt), `reminder ${reminder.number} due`)) break;
    try {
      const { messageId } = await courtesy.sendReminder({ workflowId, number: reminder.number });
      Object.assign(reminder, { sentAt: iso(Date.now()), messageId });
    } catch (err) {
      log.warn('reminder not sent', { workflowId, number: reminder.number, error: errorMessage(err) });
    }
  }
  await waitUntil(settled, windowEnd, 'feedback window');
  return isUndeliverable(state) ? undefined : unprocessed.feedback.shift()?.feedback;
}

/**
 * Like awaitFeedback, and also: a permanent WhatsApp failure (131026) sends the SMS fallback at once, and
 * so does a message still not delivered a day after sending. After the fallback no WhatsApp reminders go.
 * Returns undefined when the window closes in silence, or when neither channel can reach the citizen.
 */
async function awaitFeedbackWithFallback(
  ch: Channels,
  workflowId: string,
  state: AtrState,
  unprocessed: Unprocessed,
  windowEnd: number,
  deliveryDeadline: number,
): Promise<FeedbackSignal | undefined> {
  type Due = { at: number; summary: string; run: () => Promise<void> };
  const fallbackNeeded = () => isUndeliverable(state) && !state.delivery.fallback;
  const settled = () => unprocessed.feedback.length > 0 || fallbackNeeded();
  const timeline: Due[] = [
    ...state.reminders.map((reminder) => ({
      at: Date.parse(reminder.dueAt),
      summary: `reminder ${reminder.number} due`,
      run: async () => {
        if (!state.delivery.fallback) await sendReminder(ch, workflowId, reminder);
      },
    })),
    {
      at: deliveryDeadline,
      summary: 'delivery within 24 h',
      run: async () => {
        if (DELIVERY_RANK[state.delivery.status] < DELIVERY_RANK.DELIVERED && !state.delivery.fallback) await smsFallback(ch, workflowId, state);
      },
    },
  ].sort((a, b) => a.at - b.at);

  for (;;) {
    if (fallbackNeeded() && !(await smsFallback(ch, workflowId, state))) return undefined;
    if (unprocessed.feedback.length > 0) return unprocessed.feedback.shift()!.feedback;
    const next = timeline[0];
    if (!next || next.at >= windowEnd) {
      if (!(await waitUntil(settled, windowEnd, 'feedback window'))) return undefined;
      continue;
    }
    if (await waitUntil(settled, next.at, next.summary)) continue;
    timeline.shift();
    await next.run();
  }
}

async function sendReminder({ courtesy }: Channels, workflowId: string, reminder: AtrState['reminders'][number]): Promise<void> {
  try {
    const { messageId } = await courtesy.sendReminder({ workflowId, number: reminder.number });
    Object.assign(reminder, { sentAt: iso(Date.now()), messageId });
  } catch (err) {
    log.warn('reminder not sent', { workflowId, number: reminder.number, error: errorMessage(err) });
  }
}

/** Sends the ATR link by SMS; false when that fails too (or no gateway is configured). */
async function smsFallback({ delivery }: Channels, workflowId: string, state: AtrState): Promise<boolean> {
  try {
    const { messageId } = await delivery.sendSmsFallback({ workflowId });
    state.delivery = { ...state.delivery, fallback: { channel: 'sms', messageId, sentAt: iso(Date.now()) } };
    upsertSearchAttributes([{ key: SA.deliveryStatus, value: 'SMS_FALLBACK' }]);
    return true;
  } catch (err) {
    const reason = permanentReason(err);
    if (!reason) throw err;
    state.delivery = { ...state.delivery, status: 'UNDELIVERABLE', reason: `${state.delivery.reason ?? 'WhatsApp failed'}; SMS: ${reason}` };
    return false;
  }
}

/**
 * After "not satisfied" on WhatsApp: offer the list of reasons, then invite a comment or voice note, each
 * waited for up to the policy's details wait. From the helpline the reason and comment come with it.
 */
async function awaitDetailsDialogue(ch: Channels, workflowId: string, state: AtrState, policy: FeedbackPolicy): Promise<void> {
  const fb = state.feedback!;
  if (fb.channel !== 'whatsapp' || policy.detailsWaitMinutes <= 0) return;
  state.stage = 'AWAITING_DETAILS';
  const wait = policy.detailsWaitMinutes * 60_000;
  if (!fb.reason) {
    if (await askCitizen(ch, workflowId, 'askForReason')) await condition(() => Boolean(fb.reason), wait, { summary: 'reason from the citizen' });
  }
  if (!fb.comment && !fb.voiceMediaId) {
    if (await askCitizen(ch, workflowId, 'askForComment')) {
      await condition(() => Boolean(fb.comment || fb.voiceMediaId), wait, { summary: 'comment or voice note from the citizen' });
    }
  }
}

async function askCitizen({ courtesy }: Channels, workflowId: string, ask: 'askForReason' | 'askForComment'): Promise<boolean> {
  try {
    await courtesy[ask]({ workflowId });
    return true;
  } catch (err) {
    log.warn('could not ask the citizen for details', { workflowId, ask, error: errorMessage(err) });
    return false;
  }
}

/** After "not satisfied" on WhatsApp, the reason and comment arrive as separate messages: give them time. */
async function awaitDetails(state: AtrState, policy: FeedbackPolicy): Promise<void> {
  const fb = state.feedback!;
  if (fb.channel !== 'whatsapp' || policy.detailsWaitMinutes <= 0) return;
  state.stage = 'AWAITING_DETAILS';
  await condition(() => Boolean(fb.reason && (fb.comment || fb.voiceMediaId)), policy.detailsWaitMinutes * 60_000, {
    summary: 'reason and comment from the citizen',
  });
}

async function escalate(workflowId: string, state: AtrState, cycle: number): Promise<void> {
  state.stage = 'ESCALATING';
  const level = escalationLevelFor(cycle);
  const feedback = state.feedback!;
  const { escalationId } = await store.escalate({ workflowId, level, feedback });
  state.escalation = { escalationId, level, levelName: ESCALATION_LEVELS[level], portalCallback: 'PENDING' };
  upsertSearchAttributes([{ key: SA.escalationLevel, value: level }]);
  const { status, error } = await portal.notifyPortal({ workflowId, escalationId, level, feedback });
  state.escalation.portalCallback = status;
  if (error) state.escalation.portalCallbackError = error;
}

/** Acknowledgements are courtesy: a failure is logged and the grievance moves on. */
async function acknowledge({ courtesy }: Channels, workflowId: string, feedbackMessageId: string, ack: Acknowledgement): Promise<void> {
  try {
    await courtesy.acknowledgeFeedback({ workflowId, feedbackMessageId, ack });
  } catch (err) {
    log.warn('acknowledgement not sent', { workflowId, ack, error: errorMessage(err) });
  }
}

/**
 * Records the outcome, then (once delivered) keeps the workflow open until the grace period ends,
 * recording and acknowledging any further feedback without changing the outcome.
 */
async function finish(
  ch: Channels,
  workflowId: string,
  state: AtrState,
  outcome: Outcome,
  reason?: string,
  windowEnd?: number,
  unprocessed: Unprocessed = { feedback: [], details: [] },
): Promise<AtrResult> {
  state.outcome = outcome;
  if (reason) state.outcomeReason = reason;
  upsertSearchAttributes([
    { key: SA.outcome, value: outcome },
    { key: SA.feedbackOutcome, value: state.feedback?.rating ?? 'NONE' },
  ]);
  await store.recordOutcome({ workflowId, outcome, reason });

  if (windowEnd !== undefined && outcome !== 'UNDELIVERABLE') {
    state.stage = 'LATE_FEEDBACK_OPEN';
    const closesAt = Date.parse(state.closesAt!);
    const pending = () => unprocessed.feedback.length + unprocessed.details.length > 0;
    do {
      for (let next; (next = unprocessed.feedback.shift()); ) {
        const late = next.arrivedAt >= windowEnd;
        const entry: RecordedFeedback = { ...next.feedback, decisive: false, late };
        state.otherFeedback.push(entry);
        await store.recordFeedback({ workflowId, feedback: next.feedback, decisive: false, late });
        await acknowledge(ch, workflowId, next.feedback.messageId, late ? 'LATE' : 'ALREADY_RECORDED');
      }
      for (let details; (details = unprocessed.details.shift()); ) {
        await store.recordDetails({ workflowId, details, escalationId: state.escalation?.escalationId });
      }
    } while (await waitUntil(pending, closesAt, 'open for late feedback'));
  }
  state.stage = 'COMPLETED';
  return {
    grievanceId: state.grievanceId,
    cycle: state.cycle,
    outcome,
    ...(reason ? { reason } : {}),
    ...(state.escalation ? { escalationLevel: state.escalation.level } : {}),
    lateFeedbackCount: state.otherFeedback.filter((f) => f.late).length,
  };
}

/** Folds details into a "not satisfied" still waiting for them; false when they must be recorded on their own. */
function mergeDetails(state: AtrState, details: FeedbackDetailsSignal): boolean {
  const fb = state.feedback;
  if (!fb || fb.rating !== 'NOT_SATISFIED' || state.stage !== 'AWAITING_DETAILS') return false;
  fb.reason ??= details.reason;
  if (details.comment) fb.comment = fb.comment ? `${fb.comment}\n${details.comment}` : details.comment;
  fb.voiceMediaId ??= details.voiceMediaId;
  return true;
}

/** Channel statuses arrive late, twice and out of order: only a higher rank moves the status. */
function applyDeliveryStatus(state: AtrState, report: DeliveryStatusSignal): void {
  if (!state.delivery.messageId || report.messageId !== state.delivery.messageId) return;
  const next = report.status === 'FAILED' && report.permanent ? 'UNDELIVERABLE' : report.status;
  if (DELIVERY_RANK[next] <= DELIVERY_RANK[state.delivery.status]) return;
  state.delivery = {
    ...state.delivery,
    status: next,
    updatedAt: report.at,
    ...(report.errorCode !== undefined ? { errorCode: report.errorCode } : {}),
    ...(next === 'UNDELIVERABLE' || next === 'FAILED' ? { reason: report.errorTitle ?? `channel error ${report.errorCode ?? 'unknown'}` } : {}),
  };
  upsertSearchAttributes([{ key: SA.deliveryStatus, value: next }]);
}

function higher(a: AtrState['delivery']['status'], b: AtrState['delivery']['status']) {
  return DELIVERY_RANK[a] >= DELIVERY_RANK[b] ? a : b;
}

function isUndeliverable(state: AtrState): boolean {
  return state.delivery.status === 'UNDELIVERABLE';
}

/** Neither WhatsApp nor the SMS fallback reaches the citizen. */
function unreachable(state: AtrState): boolean {
  return isUndeliverable(state) && !state.delivery.fallback;
}

/** The reason of a non-retryable channel failure, or undefined for anything else. */
function permanentReason(err: unknown): string | undefined {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure)) return undefined;
  const { type, message } = err.cause;
  return type === FAILURES.undeliverable || type === FAILURES.messagingRejected ? `${type}: ${message}` : undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
