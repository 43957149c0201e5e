/**
 * The contract between the portal, the API, the worker, the WhatsApp relay and the tests:
 * task queues, workflow ids, messages (signals, queries), search attributes and the unions
 * that name every status and outcome. Node-free, so the workflow sandbox can import it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, type SearchAttributePair } from '@temporalio/common';
import type { Closure, FeedbackChannel, FeedbackReason, Language, Rating } from './closure';
import type { Channel, DeliveryBlock, FaultClass } from './faults';

// Faults and failures are named in faults.ts; the workflow's contract carries them on.
export * from './faults';

/** Task queue of the ATR workflow and its activities. */
export const TASK_QUEUE = 'sampark-atr';

/**
 * The task queue of the activities that message citizens, next to a workflow's own queue. Its own queue
 * gets a queue-wide rate limit (WhatsApp throughput) that the rest of the work must not share.
 */
export function messagingTaskQueue(workflowTaskQueue: string): string {
  return `${workflowTaskQueue}-messaging`;
}

/** Workflow type name, fixed so that renaming the function never orphans histories in flight. */
export const ATR_WORKFLOW_TYPE = 'atrWorkflow';

/**
 * One workflow per closure: grievance id plus cycle (how many times the grievance was disposed of),
 * so a repeated closure event maps to the same id and starts nothing new. Never put personal data here.
 */
export function atrWorkflowId(grievanceId: string, cycle: number): string {
  return `atr-${grievanceId}-c${cycle}`;
}

/** The idempotency key of a workflow's ATR message (its first send; resends have their own, atrResendKey). */
export function atrMessageKey(workflowId: string): string {
  return `${workflowId}:atr`;
}

/** The idempotency key of the n-th resend of a workflow's ATR (n from 1). */
export function atrResendKey(workflowId: string, n: number): string {
  return `${atrMessageKey(workflowId)}:resend:${n}`;
}

/** Whether a send's key is the workflow's ATR or one of its resends: the relay signals the statuses of these only. */
export function isAtrMessageKey(workflowId: string, key: string): boolean {
  const atr = atrMessageKey(workflowId);
  const resend = `${atr}:resend:`;
  return key === atr || (key.startsWith(resend) && /^[1-9]\d*$/.test(key.slice(resend.length)));
}

/**
 * How a closure's workflow ended, as a business fact. Only the citizen decides the first four (their answer, their
 * silence, or a number no channel can reach); SUPERSEDED means a newer closure of the grievance took over.
 */
export const OUTCOMES = ['SATISFIED', 'ESCALATED', 'NO_RESPONSE', 'UNDELIVERABLE', 'SUPERSEDED'] as const;
/** A business outcome. */
export type Outcome = (typeof OUTCOMES)[number];

/** Where the ATR message stands with the messaging channel. Only ever moves forward (see DELIVERY_RANK). */
export const DELIVERY_STATUSES = ['PENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED', 'UNDELIVERABLE', 'SMS_FALLBACK'] as const;
/** A delivery status. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
/**
 * Statuses arrive out of order; a lower rank never overwrites a higher one. FAILED ranks below DELIVERED: a late
 * `failed` never undoes `delivered` or `read` (the citizen has the message). UNDELIVERABLE is set only before delivery.
 */
export const DELIVERY_RANK: Record<DeliveryStatus, number> = {
  PENDING: 0,
  SENT: 1,
  FAILED: 2,
  DELIVERED: 3,
  READ: 4,
  UNDELIVERABLE: 5,
  /** WhatsApp could not reach the citizen; the ATR link went by SMS. */
  SMS_FALLBACK: 6,
};

/** What the citizen is told after their feedback: thanks, where it went, or that it came late or after another. */
export const ACKNOWLEDGEMENTS = ['SATISFIED', 'ESCALATED', 'LATE', 'ALREADY_RECORDED'] as const;
/** An acknowledgement. */
export type Acknowledgement = (typeof ACKNOWLEDGEMENTS)[number];

/** The citizen's feedback as ops search for it. */
export const FEEDBACK_OUTCOMES = ['AWAITING', 'SATISFIED', 'NOT_SATISFIED', 'NONE'] as const;
/** A feedback outcome. */
export type FeedbackOutcome = (typeof FEEDBACK_OUTCOMES)[number];

/** Where the workflow is in the use case. */
export const STAGES = [
  'RECORDING',
  'RENDERING',
  'WAITING_FOR_DAYTIME',
  'DELIVERING',
  /** A fault on our side (credentials, a paused template, account limits) holds the ATR until it is fixed. */
  'DELIVERY_BLOCKED',
  'AWAITING_FEEDBACK',
  'AWAITING_DETAILS',
  'ESCALATING',
  'LATE_FEEDBACK_OPEN',
  'COMPLETED',
] as const;
/** A workflow stage. */
export type Stage = (typeof STAGES)[number];

/** Escalation rises with the cycle: 1 the department, 2 the district, 3 and above the state. */
export const ESCALATION_LEVELS = { 1: 'DEPARTMENT', 2: 'DISTRICT', 3: 'STATE' } as const;
/** An escalation level number. */
export type EscalationLevel = keyof typeof ESCALATION_LEVELS;
/** The escalation level for a closure cycle. */
export function escalationLevelFor(cycle: number): EscalationLevel {
  return cycle >= 3 ? 3 : cycle <= 1 ? 1 : 2;
}

/** The effective feedback policy of one closure: defaults, then department, then closure overrides. */
export interface FeedbackPolicy {
  reminderOffsetsHours: number[];
  feedbackWindowHours: number;
  /** IST wall-clock times; null means messages may go at any hour. */
  quietHours: { start: string; end: string } | null;
  lateFeedbackGraceHours: number;
  detailsWaitMinutes: number;
  /** No delivery receipt by then: send the SMS if a gateway is configured, and keep waiting on every channel. */
  deliveryDeadlineHours: number;
  /** The department's reasons for "not satisfied" (all when unset); see offeredReasons in contracts/closure.ts. */
  reasons?: FeedbackReason[];
  /** Escalation SLA overrides per level (department, then closure); unset levels keep DEFAULT_ESCALATION_SLA_HOURS. */
  escalationSlaHours?: Partial<Record<EscalationLevel, number>>;
}

/** Feedback as it reaches the workflow, from any channel. */
export interface FeedbackSignal {
  /** Idempotency key: the WhatsApp wamid of the reply, or the caller's key. */
  messageId: string;
  rating: Rating;
  reason?: FeedbackReason;
  comment?: string;
  /** Media id of a voice note, kept so the department can fetch it. */
  voiceMediaId?: string;
  channel: FeedbackChannel;
  receivedAt: string;
}

/** A reason, comment or voice note that follows a "not satisfied" as a separate message. */
export interface FeedbackDetailsSignal {
  messageId: string;
  reason?: FeedbackReason;
  comment?: string;
  voiceMediaId?: string;
  receivedAt: string;
}

/** A channel's report on one of our messages (WhatsApp status webhooks, SMS gateway reports). */
export interface DeliveryStatusSignal {
  messageId: string;
  status: 'SENT' | 'DELIVERED' | 'READ' | 'FAILED';
  at: string;
  /** Channel error code, e.g. WhatsApp 131026 (undeliverable). */
  errorCode?: number;
  errorTitle?: string;
  /** True when the channel says this number can never receive the message (faultClass CITIZEN_UNREACHABLE). */
  permanent?: boolean;
  /** For FAILED: whose fault, from the same table as a synchronous error (messaging/faults.ts). */
  faultClass?: FaultClass;
}

/** Feedback as recorded in the workflow state. */
export interface RecordedFeedback extends FeedbackSignal {
  /** false when it arrived after an earlier feedback had decided, or after the window. */
  decisive: boolean;
  late: boolean;
}

/** The live state of one closure's workflow, returned by the state query. */
export interface AtrState {
  grievanceId: string;
  cycle: number;
  departmentCode: string;
  districtCode: string;
  language: Language;
  stage: Stage;
  policy?: FeedbackPolicy;
  atr?: { atrId: string; sha256: string; byteLength: number };
  delivery: {
    status: DeliveryStatus;
    messageId?: string;
    sentAt?: string;
    updatedAt?: string;
    errorCode?: number;
    reason?: string;
    /** Set when WhatsApp failed and the ATR link went by SMS. */
    fallback?: { channel: 'sms'; messageId: string; sentAt: string };
    /** Set while a fault on our side holds the ATR; cleared when it goes out. */
    blocked?: DeliveryBlock;
  };
  reminders: { number: number; dueAt: string; sentAt?: string; messageId?: string }[];
  /** ATRs sent again on request (resendAtr). */
  resends?: { messageId: string; sentAt: string; requestedBy: string }[];
  feedbackWindowEndsAt?: string;
  closesAt?: string;
  feedback?: RecordedFeedback;
  otherFeedback: RecordedFeedback[];
  escalation?: {
    escalationId: string;
    level: EscalationLevel;
    levelName: (typeof ESCALATION_LEVELS)[EscalationLevel];
  };
  outcome?: Outcome;
  outcomeReason?: string;
}

/** What the workflow returns when it completes. */
export interface AtrResult {
  grievanceId: string;
  cycle: number;
  outcome: Outcome;
  reason?: string;
  escalationLevel?: EscalationLevel;
  lateFeedbackCount: number;
}

/** Citizen feedback (first one decides; repeats by messageId are ignored). */
export const feedbackSignal = defineSignal<[FeedbackSignal]>('feedback');
/** A reason, comment or voice note that follows "not satisfied". */
export const feedbackDetailsSignal = defineSignal<[FeedbackDetailsSignal]>('feedbackDetails');
/** Delivery status of a message we sent. */
export const deliveryStatusSignal = defineSignal<[DeliveryStatusSignal]>('deliveryStatus');
/** Ops: a blocked closure tries its messages again now, instead of at its next check. */
export const resumeDeliverySignal = defineSignal<[{ requestedBy: string }]>('resumeDelivery');
/** A newer closure of the same grievance took over: stop messaging and end SUPERSEDED. */
export const supersededSignal = defineSignal<[{ byWorkflowId: string; cycle: number }]>('superseded');
/** The live state, for the API, the CLI and the Web UI. */
export const stateQuery = defineQuery<AtrState>('state');
/** Ops: send the ATR to the citizen again (they lost it, changed phones). Rejected before the first send, in quiet hours, or once WhatsApp has failed for good. */
export const resendAtrUpdate = defineUpdate<ResendOutcome, [{ requestedBy: string }]>('resendAtr');

/**
 * What a resend did, once its outcome is known (or the wait for it ran out): by which channel, the message's
 * status then, and the closure's outcome if it was already decided (ops are warned: the resend changes nothing).
 */
export interface ResendOutcome {
  messageId: string;
  resends: number;
  channel: Channel;
  /** SENT while no receipt came within the wait; FAILED with the reason when the channel refused it. */
  status: 'SENT' | 'DELIVERED' | 'READ' | 'FAILED';
  reason?: string;
  outcomeDecided?: Outcome;
}

/** Search attributes: ops find any grievance in the Web UI by these. No personal data, ever. */
export const SA = {
  grievanceId: defineSearchAttributeKey('GrievanceId', 'KEYWORD'),
  departmentCode: defineSearchAttributeKey('DepartmentCode', 'KEYWORD'),
  districtCode: defineSearchAttributeKey('DistrictCode', 'KEYWORD'),
  cycle: defineSearchAttributeKey('GrievanceCycle', 'INT'),
  deliveryStatus: defineSearchAttributeKey('DeliveryStatus', 'KEYWORD'),
  feedbackOutcome: defineSearchAttributeKey('FeedbackOutcome', 'KEYWORD'),
  escalationLevel: defineSearchAttributeKey('EscalationLevel', 'INT'),
  outcome: defineSearchAttributeKey('AtrOutcome', 'KEYWORD'),
  /** Set (to the DeliveryBlock code) while a fault on our side holds the closure; removed when it clears. */
  deliveryBlocked: defineSearchAttributeKey('DeliveryBlocked', 'KEYWORD'),
} as const;

/** Every search attribute key, for registering them on a server. */
export const SEARCH_ATTRIBUTES = Object.values(SA);

/** The search attributes a closure's workflow starts with (setting them at start costs no extra action). */
export function initialSearchAttributes(closure: Pick<Closure, 'grievanceId' | 'cycle' | 'department' | 'district'>): SearchAttributePair[] {
  return [
    { key: SA.grievanceId, value: closure.grievanceId },
    { key: SA.departmentCode, value: closure.department.code },
    { key: SA.districtCode, value: closure.district.code },
    { key: SA.cycle, value: closure.cycle },
    { key: SA.deliveryStatus, value: 'PENDING' },
    { key: SA.feedbackOutcome, value: 'AWAITING' },
  ];
}
