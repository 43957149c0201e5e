/**
 * The ports the activities depend on. Implementations live with their technology (db/, messaging/, pdf/,
 * portal/) and do not import these: the worker wires them up, and TypeScript checks that they fit.
 */
import type { Closure, FeedbackPolicyOverride } from '../contracts/closure';
import type { FeedbackDetailsSignal, FeedbackSignal, Outcome, PortalCallbackResult } from '../contracts/workflow';
import type { ChannelBreakerRepository } from '../db/repositories/channel-breakers';
import type { StoredAtr } from '../db/repositories/closures';
import type { NewEscalation } from '../db/repositories/escalations';
import type { CitizenMessage, Messenger, SmsSender } from '../messaging/model';
import type { AtrRenderer } from '../pdf/atr/render';
import type { PortalNotifier } from '../portal/callback';

export type { AtrRenderer, CitizenMessage, Messenger, NewEscalation, PortalNotifier, SmsSender, StoredAtr };

/** The system of record: closures, ATR documents, feedback, escalations (the department's inbox). */
export interface Store {
  recordClosure(workflowId: string, closure: Closure): Promise<{ recordedAt: string }>;
  getClosure(workflowId: string): Promise<Closure | null>;
  /** The grievance's older cycles still live (recorded, no outcome yet), oldest first. */
  liveCyclesBefore(grievanceId: string, cycle: number): Promise<string[]>;
  getDepartmentPolicy(departmentCode: string): Promise<FeedbackPolicyOverride | null>;
  saveAtr(doc: StoredAtr): Promise<void>;
  getAtr(atrId: string): Promise<{ bytes: Uint8Array; sha256: string } | null>;
  /** What verification compares against: the stored ATR's digest and facts, or null. */
  getAtrSeal(atrId: string): Promise<{ contentDigest: string | null; grievanceId: string; departmentCode: string; districtCode: string } | null>;
  recordFeedback(entry: { workflowId: string; feedback: FeedbackSignal; decisive: boolean; late: boolean }): Promise<{ inserted: boolean }>;
  recordDetails(entry: { workflowId: string; details: FeedbackDetailsSignal; escalationId?: string }): Promise<{ inserted: boolean }>;
  createEscalation(entry: NewEscalation): Promise<{ escalationId: string; created: boolean }>;
  markPortalCallback(escalationId: string, status: PortalCallbackResult, error?: string): Promise<void>;
  recordOutcome(workflowId: string, outcome: Outcome, reason?: string): Promise<void>;
  /** Stores an ATR link token's hash for the SMS fallback page. */
  createAtrLink(entry: { tokenHash: string; workflowId: string; expiresAt: Date }): Promise<void>;
  /** The closure behind an unexpired ATR link, or null. */
  getAtrLink(tokenHash: string): Promise<{ workflowId: string; closure: Closure; atrId: string | null } | null>;
}

/** The channels' circuit breakers, shared by every worker (db/repositories/channel-breakers.ts). */
export type ChannelBreakers = Pick<ChannelBreakerRepository, 'check' | 'get' | 'open' | 'close' | 'probeInconclusive'>;

/** The business counters ops watch (exported to Prometheus). Labels are codes, never personal data. */
export interface Metrics {
  increment(name: MetricName, labels?: Record<string, string>): void;
}

/** Counter names. */
export type MetricName = 'messages_sent' | 'feedback' | 'escalations' | 'sms_fallbacks' | 'outcomes' | 'delivery_blocked';

/** Counts nothing (tests that do not look at metrics). */
export const NO_METRICS: Metrics = { increment: () => undefined };

/** Structured logging. Never pass personal data (names, phones, comments). */
export interface Log {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}
