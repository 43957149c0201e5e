/**
 * One run of the ATR workflow: the state the state query returns, the feedback not yet handled, the
 * handlers that feed them (signals, the state query, the resendAtr update and its validator), and the
 * small transitions of that state. The steps (index.ts and its neighbours) change the state only here.
 */
import { log, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Closure } from '../../contracts/closure';
import {
  DELIVERY_RANK,
  ESCALATION_LEVELS,
  SA,
  deliveryStatusSignal,
  feedbackDetailsSignal,
  feedbackSignal,
  resendAtrUpdate,
  stateQuery,
  type AtrResult,
  type AtrState,
  type DeliveryStatus,
  type DeliveryStatusSignal,
  type EscalationLevel,
  type FeedbackDetailsSignal,
  type FeedbackPolicy,
  type FeedbackSignal,
  type Outcome,
  type PortalCallbackResult,
  type ResendOutcome,
  type Stage,
} from '../../contracts/workflow';
import { messagingOn, type Messaging } from './options';
import { HOUR_MS, iso, nextSendableTime, reminderTimes } from './schedule';

/** Statuses kept while the ATR's message id is unknown: sent, delivered, read, failed, each perhaps twice. */
const EARLY_STATUS_LIMIT = 16;

/** A feedback not yet handled, with the moment it arrived (which decides whether it came late). */
export interface ArrivedFeedback {
  feedback: FeedbackSignal;
  arrivedAt: number;
}

/** The feedback window, in epoch ms: from delivery to its end, then open for late feedback until closesAt. */
export interface FeedbackWindow {
  opensAt: number;
  endsAt: number;
  closesAt: number;
}

/** A reminder as the state lists it. */
export type Reminder = AtrState['reminders'][number];

/** The run of one closure's workflow. Construct it inside the workflow function. */
export class AtrRun {
  readonly workflowId = workflowInfo().workflowId;
  /** The activities that message the citizen, on the messaging task queue. */
  readonly messaging: Messaging = messagingOn(workflowInfo().taskQueue);
  /** Feedback that arrived and is not yet handled, in arrival order. */
  readonly pendingFeedback: ArrivedFeedback[] = [];
  /** Details no "not satisfied" was waiting for: recorded on their own. */
  readonly pendingDetails: FeedbackDetailsSignal[] = [];
  /** Set once the ATR has reached the citizen. */
  window?: FeedbackWindow;
  private readonly state: AtrState;
  /** Message ids already taken in: a redelivered webhook or a retried request counts once. */
  private readonly seenMessageIds = new Set<string>();
  /** Statuses that beat the ATR's send (the webhook won the race): applied once the message id is known. */
  private readonly earlyStatuses: DeliveryStatusSignal[] = [];

  constructor(closure: Closure) {
    this.state = {
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
  }

  /** Installs every handler; call it before the first await, so nothing sent at start is lost. */
  setHandlers(): void {
    setHandler(stateQuery, () => this.state);
    setHandler(feedbackSignal, (feedback) => {
      if (this.firstSight(feedback.messageId)) this.pendingFeedback.push({ feedback, arrivedAt: Date.now() });
    });
    setHandler(feedbackDetailsSignal, (details) => {
      if (this.firstSight(details.messageId) && !this.mergeDetails(details)) this.pendingDetails.push(details);
    });
    setHandler(deliveryStatusSignal, (report) => {
      if (this.state.delivery.messageId) this.applyDeliveryStatus(report);
      else if (this.earlyStatuses.length < EARLY_STATUS_LIMIT) this.earlyStatuses.push(report);
    });
    setHandler(resendAtrUpdate, ({ requestedBy }) => this.resend(requestedBy), { validator: (_request) => this.validateResend() });
  }

  /** The read-only view of the state for the steps. */
  get view(): Readonly<AtrState> {
    return this.state;
  }

  /** The closure's feedback policy, known once the closure is recorded. */
  get policy(): FeedbackPolicy {
    if (!this.state.policy) throw new Error('the feedback policy is read before the closure is recorded');
    return this.state.policy;
  }

  /** WhatsApp said it can never reach this citizen. */
  get undeliverable(): boolean {
    return this.state.delivery.status === 'UNDELIVERABLE';
  }

  /** Neither WhatsApp nor the SMS fallback reaches the citizen. */
  get unreachable(): boolean {
    return this.undeliverable && !this.state.delivery.fallback;
  }

  /** The channel has reported nothing about the ATR beyond "sent" (neither delivered, read nor failed). */
  get awaitingDeliveryReport(): boolean {
    return DELIVERY_RANK[this.state.delivery.status] < DELIVERY_RANK.DELIVERED;
  }

  enter(stage: Stage): void {
    this.state.stage = stage;
  }

  setPolicy(policy: FeedbackPolicy): void {
    this.state.policy = policy;
  }

  setAtr(atr: NonNullable<AtrState['atr']>): void {
    this.state.atr = atr;
  }

  /** The channel accepted the ATR: statuses that came early now apply. */
  markSent(messageId: string): void {
    this.state.delivery = { ...this.state.delivery, status: higher(this.state.delivery.status, 'SENT'), messageId, sentAt: iso(Date.now()) };
    upsertSearchAttributes([{ key: SA.deliveryStatus, value: this.state.delivery.status }]);
    for (const report of this.earlyStatuses.splice(0)) this.applyDeliveryStatus(report);
  }

  markUndeliverable(reason: string): void {
    this.state.delivery = { ...this.state.delivery, status: 'UNDELIVERABLE', reason, updatedAt: iso(Date.now()) };
  }

  markSmsSent(messageId: string): void {
    this.state.delivery = { ...this.state.delivery, fallback: { channel: 'sms', messageId, sentAt: iso(Date.now()) } };
    upsertSearchAttributes([{ key: SA.deliveryStatus, value: 'SMS_FALLBACK' }]);
  }

  /** The SMS fallback failed too: the reason names both channels. */
  markSmsFailed(reason: string): void {
    this.state.delivery = { ...this.state.delivery, status: 'UNDELIVERABLE', reason: `${this.state.delivery.reason ?? 'WhatsApp failed'}; SMS: ${reason}` };
  }

  /** The ATR reached the citizen now: the window, its grace period and the reminders start from here. */
  openFeedbackWindow(): void {
    const opensAt = Date.now();
    const endsAt = opensAt + this.policy.feedbackWindowHours * HOUR_MS;
    const closesAt = endsAt + this.policy.lateFeedbackGraceHours * HOUR_MS;
    this.window = { opensAt, endsAt, closesAt };
    this.state.stage = 'AWAITING_FEEDBACK';
    this.state.feedbackWindowEndsAt = iso(endsAt);
    this.state.closesAt = iso(closesAt);
    this.state.reminders = reminderTimes(opensAt, this.policy).map((at, i) => ({ number: i + 1, dueAt: iso(at) }));
  }

  markReminderSent(reminder: Reminder, messageId: string): void {
    Object.assign(reminder, { sentAt: iso(Date.now()), messageId });
  }

  /** The first feedback in the window decides the outcome. */
  decide(feedback: FeedbackSignal): void {
    this.state.feedback = { ...feedback, decisive: true, late: false };
  }

  /** A feedback after the decisive one or after the window: recorded, never changing the outcome. */
  addOtherFeedback(feedback: FeedbackSignal, late: boolean): void {
    this.state.otherFeedback.push({ ...feedback, decisive: false, late });
  }

  markEscalated(escalationId: string, level: EscalationLevel): void {
    this.state.escalation = { escalationId, level, levelName: ESCALATION_LEVELS[level], portalCallback: 'PENDING' };
    upsertSearchAttributes([{ key: SA.escalationLevel, value: level }]);
  }

  markPortalAnswered(status: PortalCallbackResult, error?: string): void {
    this.state.escalation!.portalCallback = status;
    if (error) this.state.escalation!.portalCallbackError = error;
  }

  /** Sets the business outcome; returns its reason (why the ATR could not reach the citizen), if any. */
  end(outcome: Outcome): string | undefined {
    const reason = outcome === 'UNDELIVERABLE' ? this.state.delivery.reason : undefined;
    this.state.outcome = outcome;
    if (reason) this.state.outcomeReason = reason;
    upsertSearchAttributes([
      { key: SA.outcome, value: outcome },
      { key: SA.feedbackOutcome, value: this.state.feedback?.rating ?? 'NONE' },
    ]);
    return reason;
  }

  /** The workflow's result; the run is over. */
  complete(): AtrResult {
    const { grievanceId, cycle, outcome, outcomeReason, escalation, otherFeedback } = this.state;
    this.state.stage = 'COMPLETED';
    return {
      grievanceId,
      cycle,
      outcome: outcome!,
      ...(outcomeReason ? { reason: outcomeReason } : {}),
      ...(escalation ? { escalationLevel: escalation.level } : {}),
      lateFeedbackCount: otherFeedback.filter((f) => f.late).length,
    };
  }

  /** Runs a courtesy message (reminder, acknowledgement, prompt); a failure is logged and the run moves on. */
  async bestEffort<T>(failure: string, fields: Record<string, unknown>, send: () => Promise<T>): Promise<T | undefined> {
    try {
      return await send();
    } catch (err) {
      log.warn(failure, { workflowId: this.workflowId, ...fields, error: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
  }

  private firstSight(messageId: string): boolean {
    if (this.seenMessageIds.has(messageId)) return false;
    this.seenMessageIds.add(messageId);
    return true;
  }

  /** Folds details into a "not satisfied" still waiting for them; false when they must be recorded on their own. */
  private mergeDetails(details: FeedbackDetailsSignal): boolean {
    const fb = this.state.feedback;
    if (!fb || fb.rating !== 'NOT_SATISFIED' || this.state.stage !== 'AWAITING_DETAILS') return false;
    fb.reason ??= details.reason;
    if (details.comment) fb.comment = fb.comment ? `${fb.comment}\n${details.comment}` : details.comment;
    fb.voiceMediaId ??= details.voiceMediaId;
    return true;
  }

  /** Channel statuses arrive late, twice and out of order: only a higher rank moves the status. */
  private applyDeliveryStatus(report: DeliveryStatusSignal): void {
    const { delivery } = this.state;
    if (!delivery.messageId || report.messageId !== delivery.messageId) return;
    const next = report.status === 'FAILED' && report.permanent ? 'UNDELIVERABLE' : report.status;
    if (DELIVERY_RANK[next] <= DELIVERY_RANK[delivery.status]) return;
    this.state.delivery = {
      ...delivery,
      status: next,
      updatedAt: report.at,
      ...(report.errorCode !== undefined ? { errorCode: report.errorCode } : {}),
      ...(next === 'UNDELIVERABLE' || next === 'FAILED' ? { reason: report.errorTitle ?? `channel error ${report.errorCode ?? 'unknown'}` } : {}),
    };
    upsertSearchAttributes([{ key: SA.deliveryStatus, value: next }]);
  }

  private validateResend(): void {
    if (!this.state.delivery.messageId) throw new Error('the ATR has not been sent yet');
    if (this.state.stage === 'COMPLETED') throw new Error('this closure is complete');
    if (this.unreachable) throw new Error('WhatsApp cannot reach this citizen (see the delivery reason)');
    if (nextSendableTime(Date.now(), this.state.policy?.quietHours ?? null) !== Date.now()) throw new Error('quiet hours: no messages to citizens now; try after they end');
  }

  private async resend(requestedBy: string): Promise<ResendOutcome> {
    const resends = (this.state.resends ??= []);
    const { messageId } = await this.messaging.delivery.resendAtr({ workflowId: this.workflowId, atrId: this.state.atr!.atrId, number: resends.length + 1 });
    resends.push({ messageId, sentAt: iso(Date.now()), requestedBy });
    return { messageId, resends: resends.length, channel: 'whatsapp', status: 'SENT', ...(this.state.outcome ? { outcomeDecided: this.state.outcome } : {}) };
  }
}

function higher(a: DeliveryStatus, b: DeliveryStatus): DeliveryStatus {
  return DELIVERY_RANK[a] >= DELIVERY_RANK[b] ? a : b;
}
