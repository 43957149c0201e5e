/**
 * The ports the activities depend on. Implementations live with their technology
 * (db/, messaging/, pdf/, portal/); tests and the worker wire them up.
 */
import type { Closure, FeedbackPolicyOverride, Language } from '../contracts/closure';
import type { EscalationLevel, FeedbackDetailsSignal, FeedbackSignal, Outcome } from '../contracts/workflow';

/** The system of record: closures, ATR documents, feedback, escalations (the department's inbox). */
export interface Store {
  recordClosure(workflowId: string, closure: Closure): Promise<{ recordedAt: string }>;
  getClosure(workflowId: string): Promise<Closure | null>;
  getDepartmentPolicy(departmentCode: string): Promise<FeedbackPolicyOverride | null>;
  saveAtr(doc: StoredAtr): Promise<void>;
  getAtr(atrId: string): Promise<{ bytes: Uint8Array; sha256: string } | null>;
  /** What verification compares against: the stored ATR's digest and facts, or null. */
  getAtrSeal(atrId: string): Promise<{ contentDigest: string | null; grievanceId: string; departmentCode: string; districtCode: string } | null>;
  recordFeedback(entry: { workflowId: string; feedback: FeedbackSignal; decisive: boolean; late: boolean }): Promise<{ inserted: boolean }>;
  recordDetails(entry: { workflowId: string; details: FeedbackDetailsSignal; escalationId?: string }): Promise<{ inserted: boolean }>;
  createEscalation(entry: NewEscalation): Promise<{ escalationId: string; created: boolean }>;
  markPortalCallback(escalationId: string, status: 'DONE' | 'NOT_CONFIGURED' | 'REJECTED', error?: string): Promise<void>;
  recordOutcome(workflowId: string, outcome: Outcome, reason?: string): Promise<void>;
  /** Stores an ATR link token's hash for the SMS fallback page. */
  createAtrLink(entry: { tokenHash: string; workflowId: string; expiresAt: Date }): Promise<void>;
  /** The closure behind an unexpired ATR link, or null. */
  getAtrLink(tokenHash: string): Promise<{ workflowId: string; closure: Closure; atrId: string | null } | null>;
}

/** A rendered ATR as stored. */
export interface StoredAtr {
  atrId: string;
  workflowId: string;
  bytes: Uint8Array;
  sha256: string;
  pageCount: number;
  contentDigest: string;
  sealKeyId: string;
}

/** An escalation row: what the department (or the level above) must act on. */
export interface NewEscalation {
  escalationId: string;
  workflowId: string;
  grievanceId: string;
  cycle: number;
  level: EscalationLevel;
  departmentCode: string;
  districtCode: string;
  feedbackMessageId: string;
  reason?: string;
  comment?: string;
  voiceMediaId?: string;
}

/** What we tell a citizen, described by meaning; each channel turns it into its own format. */
export type CitizenMessage =
  | { kind: 'ATR'; grievanceId: string; departmentName: string; atrId: string; fileName: string; pdf: Uint8Array }
  | { kind: 'REMINDER'; grievanceId: string; number: number }
  | { kind: 'ACKNOWLEDGEMENT'; grievanceId: string; ack: 'SATISFIED' | 'ESCALATED' | 'LATE' | 'ALREADY_RECORDED' }
  /** After "not satisfied": pick a reason from a list. */
  | { kind: 'REASON_LIST'; grievanceId: string }
  /** After the reason: add a comment or a voice note. */
  | { kind: 'COMMENT_PROMPT'; grievanceId: string };

/** Sends the SMS fallback: a short text with a link to the ATR page. */
export interface SmsSender {
  send(req: { reference: string; to: string; text: string }): Promise<{ messageId: string }>;
}

/** Sends messages to citizens. `idempotencyKey` is stable across retries of one logical send. */
export interface Messenger {
  send(req: {
    idempotencyKey: string;
    workflowId: string;
    to: string;
    language: Language;
    message: CitizenMessage;
  }): Promise<{ messageId: string }>;
}

/** Renders the ATR document; `verificationUrl` goes into its QR code. */
export interface AtrRenderer {
  render(closure: Closure, meta: { atrId: string; verificationUrl: string }): Promise<{ pdf: Uint8Array; pageCount: number }>;
}

/** Tells the portal to reopen a grievance the citizen was not satisfied with. */
export interface PortalNotifier {
  reopen(req: {
    escalationId: string;
    grievanceId: string;
    cycle: number;
    level: EscalationLevel;
    reason?: string;
    comment?: string;
  }): Promise<{ status: 'DONE' | 'NOT_CONFIGURED' }>;
}

/** The business counters ops watch (exported to Prometheus). Labels are codes, never personal data. */
export interface Metrics {
  increment(name: MetricName, labels?: Record<string, string>): void;
}

/** Counter names. */
export type MetricName = 'messages_sent' | 'feedback' | 'escalations' | 'sms_fallbacks' | 'outcomes';

/** Counts nothing (tests that do not look at metrics). */
export const NO_METRICS: Metrics = { increment: () => undefined };

/** Structured logging. Never pass personal data (names, phones, comments). */
export interface Log {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}
