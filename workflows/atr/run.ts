/**
 * One run of the ATR workflow: the state the state query returns, the feedback not yet handled, the
 * handlers that feed them (signals, the state query, the resendAtr update), and the small transitions of
 * that state. The steps (index.ts and its neighbours) change the state only here; channel statuses are
 * applied in statuses.ts, the resend in resend.ts.
 */
import { log, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Closure } from '../../contracts/closure';
import {
  ESCALATION_LEVELS,
  SA,
  deliveryStatusSignal,
  feedbackDetailsSignal,
  feedbackSignal,
  resendAtrUpdate,
  resumeDeliverySignal,
  stateQuery,
  supersededSignal,
  type AtrResult,
  type AtrState,
  type DeliveryBlock,
  type EscalationLevel,
  type FeedbackDetailsSignal,
  type FeedbackPolicy,
  type FeedbackSignal,
  type Outcome,
  type Stage,
} from '../../contracts/workflow';
import { messagingOn, type Messaging } from './options';
import { resend, validateResend } from './resend';
import { HOUR_MS, iso, reminderTimes } from './schedule';
import { RunEvents } from './events';
import { DeliveryStatuses, type DeliveryChange } from './statuses';
import type { ArrivedFeedback, CarriedRun, FeedbackWindow, Reminder } from './types';

export type { ArrivedFeedback, CarriedRun, FeedbackWindow, Reminder } from './types';

/** The run of one closure's workflow. Construct it inside the workflow function. */
export class AtrRun {
  readonly workflowId = workflowInfo().workflowId;
  /** The activities that message the citizen, on the messaging task queue. */
  readonly messaging: Messaging = messagingOn(workflowInfo().taskQueue);
  /** Feedback that arrived and is not yet handled, in arrival order. */
  readonly pendingFeedback: ArrivedFeedback[];
  /** Details no "not satisfied" was waiting for: recorded on their own. */
  readonly pendingDetails: FeedbackDetailsSignal[];
  /** Set once the ATR has gone out (or, for an ATR that never went out, from its first attempt). */
  window?: FeedbackWindow;
  /** When the ATR was first attempted: the window of an ATR that never went out counts from here. */
  firstAttemptAt?: number;
  /** Ops asked a blocked closure to try again now. */
  resumeRequested = false;
  /** A newer closure of the grievance took over: no more messages. */
  supersededBy?: { byWorkflowId: string; cycle: number };
  /** Why the SMS link cannot go (no gateway here, or the gateway cannot reach the number); never retried. */
  smsFailure?: string;
  readonly statuses: DeliveryStatuses;
  /** The portal's events this run sees itself. */
  readonly events: RunEvents;
  private readonly state: AtrState;
  /** Resend numbers handed out in this run (a refused resend uses its number up too). */
  private resendCount = 0;
  /** Message ids already taken in: a redelivered webhook or a retried request counts once. */
  private readonly seenMessageIds: Set<string>;

  constructor(
    readonly closure: Closure,
    carried?: CarriedRun,
  ) {
    this.state = carried?.state ?? {
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
    this.seenMessageIds = new Set(carried?.seenMessageIds);
    this.pendingFeedback = carried?.pendingFeedback ?? [];
    this.pendingDetails = carried?.pendingDetails ?? [];
    this.firstAttemptAt = carried?.firstAttemptAt;
    this.window = carried?.window;
    this.smsFailure = carried?.smsFailure;
    this.events = new RunEvents(this.workflowId, closure.grievanceId, closure.cycle);
    this.statuses = new DeliveryStatuses(this.state, carried?.atrFailedOnOurSide ?? false, (change) => this.publishDelivery(change));
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
    setHandler(deliveryStatusSignal, (report) => this.statuses.apply(report));
    setHandler(resumeDeliverySignal, ({ requestedBy }) => {
      log.info('delivery resumed by ops', { workflowId: this.workflowId, requestedBy });
      this.resumeRequested = true;
    });
    setHandler(supersededSignal, (by) => {
      this.supersededBy ??= by;
    });
    setHandler(resendAtrUpdate, ({ requestedBy }) => resend(this, requestedBy), { validator: (_request) => validateResend(this) });
  }

  /** The state to hand to the run that continues this one. */
  carry(): CarriedRun {
    return {
      state: this.state,
      seenMessageIds: [...this.seenMessageIds],
      pendingFeedback: this.pendingFeedback,
      pendingDetails: this.pendingDetails,
      ...(this.firstAttemptAt !== undefined ? { firstAttemptAt: this.firstAttemptAt } : {}),
      ...(this.window ? { window: this.window } : {}),
      atrFailedOnOurSide: this.statuses.atrFailedOnOurSide,
      ...(this.smsFailure ? { smsFailure: this.smsFailure } : {}),
    };
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

  enter(stage: Stage): void {
    this.state.stage = stage;
  }

  setPolicy(policy: FeedbackPolicy): void {
    this.state.policy = policy;
  }

  setAtr(atr: NonNullable<AtrState['atr']>): void {
    this.state.atr = atr;
  }

  /** The ATRs sent again (on request, or after a failure on our side), to append to. */
  resendLog(): NonNullable<AtrState['resends']> {
    return (this.state.resends ??= []);
  }

  /** The number of the next resend (each is its own message, under its own idempotency key). */
  nextResendNumber(): number {
    this.resendCount = Math.max(this.resendCount, this.state.resends?.length ?? 0) + 1;
    return this.resendCount;
  }

  noteAttempt(): void {
    this.firstAttemptAt ??= Date.now();
  }

  /** The ATR went out on WhatsApp: the block (if any) is over, and statuses that came early now apply. */
  markSent(messageId: string): void {
    this.clearBlock();
    this.statuses.markSent(messageId);
  }

  /** A fault on our side holds the ATR (or met a courtesy message): visible in the state and the search attribute. */
  markBlocked(block: DeliveryBlock): void {
    if (this.state.delivery.blocked?.code !== block.code) {
      upsertSearchAttributes([{ key: SA.deliveryBlocked, value: block.code }]);
      this.publishDelivery({ kind: 'blocked', block });
    }
    this.state.delivery = { ...this.state.delivery, blocked: this.state.delivery.blocked?.code === block.code ? this.state.delivery.blocked : block };
  }

  /** A message went out, so the fault is fixed: the block and its search attribute go. */
  clearBlock(): void {
    if (!this.state.delivery.blocked) return;
    const { blocked: _cleared, ...delivery } = this.state.delivery;
    this.state.delivery = delivery;
    upsertSearchAttributes([{ key: SA.deliveryBlocked, value: null }]);
  }

  markUndeliverable(reason: string): void {
    this.state.delivery = { ...this.state.delivery, status: 'UNDELIVERABLE', reason, updatedAt: iso(Date.now()) };
    upsertSearchAttributes([{ key: SA.deliveryStatus, value: 'UNDELIVERABLE' }]);
    this.publishDelivery({ kind: 'undeliverable' });
  }

  markSmsSent(messageId: string): void {
    this.clearBlock();
    this.state.delivery = { ...this.state.delivery, fallback: { channel: 'sms', messageId, sentAt: iso(Date.now()) } };
    upsertSearchAttributes([{ key: SA.deliveryStatus, value: 'SMS_FALLBACK' }]);
    this.events.publish('atr.sms_fallback', { workflowId: this.workflowId, messageId, sentAt: iso(Date.now()) }, { discriminator: messageId });
  }

  /** Tells the portal how the ATR's delivery changed (WhatsApp; the SMS link has its own events). */
  private publishDelivery(change: DeliveryChange): void {
    const { workflowId } = this;
    if (change.kind === 'delivered') {
      this.events.publish('atr.delivered', { workflowId, channel: 'whatsapp', messageId: change.messageId, deliveredAt: change.at }, { discriminator: change.messageId, occurredAt: change.at });
    } else if (change.kind === 'undeliverable') {
      this.events.publish('atr.undeliverable', { workflowId, channel: 'whatsapp', ...(change.errorCode !== undefined ? { errorCode: change.errorCode } : {}) }, { discriminator: 'whatsapp' });
    } else {
      const { channel, code, since } = change.block;
      this.events.publish('atr.delivery_blocked', { workflowId, channel, code, since }, { discriminator: `${code}@${since}` });
    }
  }

  /** The SMS fallback failed too, after WhatsApp could not reach the citizen: the reason names both channels. */
  markSmsFailed(reason: string): void {
    this.state.delivery = { ...this.state.delivery, reason: `${this.state.delivery.reason ?? 'WhatsApp failed'}; SMS: ${reason}` };
    this.events.publish('atr.undeliverable', { workflowId: this.workflowId, channel: 'sms' }, { discriminator: 'sms' });
  }

  /** The ATR went out now: the window, its grace period and the reminders start from here. */
  openFeedbackWindow(): void {
    this.openWindowAt(Date.now(), true);
  }

  /**
   * The ATR never went out (no channel reaches the citizen, or the citizen answered while it was held): the window
   * counts from the first attempt, so such a closure still ends, and no reminders go. Never shorter than now.
   */
  openWindowFromFirstAttempt(): void {
    if (!this.window) this.openWindowAt(this.firstAttemptAt ?? Date.now(), false);
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
    this.state.escalation = { escalationId, level, levelName: ESCALATION_LEVELS[level] };
    upsertSearchAttributes([{ key: SA.escalationLevel, value: level }]);
  }

  /** Sets the business outcome; returns its reason (why the ATR could not reach the citizen), if any. */
  end(outcome: Outcome): string | undefined {
    const reason = outcome === 'UNDELIVERABLE' ? this.state.delivery.reason : outcome === 'SUPERSEDED' ? `superseded by ${this.supersededBy?.byWorkflowId}` : undefined;
    this.state.outcome = outcome;
    if (reason) this.state.outcomeReason = reason;
    upsertSearchAttributes([
      { key: SA.outcome, value: outcome },
      { key: SA.feedbackOutcome, value: this.state.feedback?.rating ?? 'NONE' },
      // A closure that ended is no longer held: ops' list of blocked closures shows only live ones.
      ...(this.state.delivery.blocked ? [{ key: SA.deliveryBlocked, value: null }] : []),
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

  private openWindowAt(opensAt: number, withReminders: boolean): void {
    const endsAt = Math.max(opensAt + this.policy.feedbackWindowHours * HOUR_MS, Date.now());
    const closesAt = endsAt + this.policy.lateFeedbackGraceHours * HOUR_MS;
    this.window = { opensAt, endsAt, closesAt };
    this.state.feedbackWindowEndsAt = iso(endsAt);
    this.state.closesAt = iso(closesAt);
    this.state.reminders = withReminders ? reminderTimes(opensAt, this.policy).map((at, i) => ({ number: i + 1, dueAt: iso(at) })) : [];
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
}
