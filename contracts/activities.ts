/**
 * The activity contract: every activity the ATR workflow calls, each with one named input and one named
 * result. activities/ implements it, the workflow proxies it; Node-free, so the workflow sandbox can import it.
 * Activity names are part of histories in flight: rename one only with patched() or a new workflow type.
 */
import type { Closure } from './closure';
import type { NewPortalEvent } from './events';
import type {
  Acknowledgement,
  EscalationLevel,
  FeedbackDetailsSignal,
  FeedbackPolicy,
  FeedbackSignal,
  Outcome,
} from './workflow';

/** An activity that needs only its workflow: it loads the recorded closure by the workflow id. */
export interface WorkflowRef {
  workflowId: string;
}

/** A message handed to a channel (WhatsApp or SMS), by the channel's message id. */
export interface SentMessage {
  messageId: string;
}

/** A row written at most once however often the activity is retried. */
export interface RecordedOnce {
  inserted: boolean;
}

/** The validated closure to record (validated by the client, the one boundary). */
export interface RecordClosureInput {
  workflowId: string;
  closure: Closure;
}
/** The closure's effective feedback policy: defaults, then department, then closure. */
export interface RecordClosureResult {
  policy: FeedbackPolicy;
  /** Workflow ids of the grievance's older cycles still live: this closure supersedes them (one live cycle). */
  supersedes: string[];
}

export type RenderAtrInput = WorkflowRef;
/** The stored ATR's id and fingerprint; never the bytes (they would bloat the history). */
export interface RenderAtrResult {
  atrId: string;
  sha256: string;
  byteLength: number;
}

export interface DeliverAtrInput {
  workflowId: string;
  atrId: string;
}
export type DeliverAtrResult = SentMessage;

/** The n-th resend is its own message (its own idempotency key). */
export interface ResendAtrInput {
  workflowId: string;
  atrId: string;
  number: number;
}
export type ResendAtrResult = SentMessage;

export interface SendReminderInput {
  workflowId: string;
  number: number;
}
export type SendReminderResult = SentMessage;

export interface AcknowledgeFeedbackInput {
  workflowId: string;
  /** One acknowledgement per feedback message, however often retried. */
  feedbackMessageId: string;
  ack: Acknowledgement;
  /** For ESCALATED: the level the grievance went to, which the acknowledgement names. */
  level?: EscalationLevel;
}
export type AcknowledgeFeedbackResult = SentMessage;

export type AskForReasonInput = WorkflowRef;
export type AskForReasonResult = SentMessage;

export interface AskForCommentInput {
  workflowId: string;
  /** Where the grievance is going (escalationStartLevel of its cycle and reason): the prompt names it. */
  level: EscalationLevel;
  /** After "Other reason" the comment is the reason: the prompt asks for it. */
  commentRequired?: boolean;
}
export type AskForCommentResult = SentMessage;

export interface SendSmsFallbackInput {
  workflowId: string;
  /** The n-th resend of the link by SMS: its own message, not a repeat of the first (the gateway dedupes by reference). */
  resend?: number;
}
export type SendSmsFallbackResult = SentMessage;

export interface RecordFeedbackInput {
  workflowId: string;
  feedback: FeedbackSignal;
  decisive: boolean;
  late: boolean;
}
export type RecordFeedbackResult = RecordedOnce;

export interface RecordDetailsInput {
  workflowId: string;
  details: FeedbackDetailsSignal;
  /** The escalation the details belong to, when there is one. */
  escalationId?: string;
}
export type RecordDetailsResult = RecordedOnce;

export interface EscalateInput {
  workflowId: string;
  level: EscalationLevel;
  feedback: FeedbackSignal;
  /** Marked for the vigilance cell (isVigilanceReason: an officer asked for money or behaved badly). */
  vigilance?: boolean;
}
export interface EscalateResult {
  escalationId: string;
}

export interface RecordPortalEventInput {
  event: NewPortalEvent;
}
export interface RecordPortalEventResult {
  /** False when the event was already in the outbox (a retried activity). */
  appended: boolean;
}

export interface RecordOutcomeInput {
  workflowId: string;
  outcome: Outcome;
  reason?: string;
  /** ISO time the run stops taking feedback (its late-feedback period's end): the closure's SMS links expire then. */
  linksCloseAt?: string;
}
export interface RecordOutcomeResult {
  recorded: true;
}

/** The ATR activities, as the workflow proxies them and the worker registers them. */
export interface AtrActivities {
  /** Records the closure and works out its feedback policy. */
  recordClosure(input: RecordClosureInput): Promise<RecordClosureResult>;
  /** Renders the sealed ATR PDF and stores it. */
  renderAtr(input: RenderAtrInput): Promise<RenderAtrResult>;
  /** Sends the ATR document to the citizen. */
  deliverAtr(input: DeliverAtrInput): Promise<DeliverAtrResult>;
  /** Sends the ATR again on an operator's request. */
  resendAtr(input: ResendAtrInput): Promise<ResendAtrResult>;
  /** Reminds the citizen that their feedback is awaited. */
  sendReminder(input: SendReminderInput): Promise<SendReminderResult>;
  /** Thanks the citizen, or tells them what happens next. */
  acknowledgeFeedback(input: AcknowledgeFeedbackInput): Promise<AcknowledgeFeedbackResult>;
  /** After "not satisfied" on WhatsApp: offers the list of reasons. */
  askForReason(input: AskForReasonInput): Promise<AskForReasonResult>;
  /** After the reason: invites a comment or a voice note. */
  askForComment(input: AskForCommentInput): Promise<AskForCommentResult>;
  /** WhatsApp cannot reach the citizen: texts them a link to the ATR and the feedback buttons. */
  sendSmsFallback(input: SendSmsFallbackInput): Promise<SendSmsFallbackResult>;
  /** Records a feedback, decisive or not, exactly once per message id. */
  recordFeedback(input: RecordFeedbackInput): Promise<RecordFeedbackResult>;
  /** Records a reason, comment or voice note that came after its feedback had been handled. */
  recordDetails(input: RecordDetailsInput): Promise<RecordDetailsResult>;
  /** Puts the escalation in the department's inbox, at the level the cycle calls for. */
  escalate(input: EscalateInput): Promise<EscalateResult>;
  /** Appends an event for the portal to the outbox (a change no other activity records: delivery receipts, blocks). */
  recordPortalEvent(input: RecordPortalEventInput): Promise<RecordPortalEventResult>;
  /** Records how the closure ended, for reports. */
  recordOutcome(input: RecordOutcomeInput): Promise<RecordOutcomeResult>;
}
