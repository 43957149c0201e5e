/**
 * The escalation workflow's activities, each with one named input and one named result. Ids, codes, levels and
 * times only: the citizen's and officers' words stay in PostgreSQL.
 */
import type { EscalationAction, EscalationStatus } from './escalation';
import type { EscalationLevel } from './workflow';

/** Where the ladder stands after a change (the whole of it: a retried write writes the same). */
export interface LadderSnapshot {
  escalationId: string;
  escalationWorkflowId: string;
  grievanceId: string;
  cycle: number;
  atrWorkflowId: string;
  status: EscalationStatus;
  level: EscalationLevel;
  departmentCode: string;
  districtCode: string;
  vigilance: boolean;
  reason?: string;
  slaDueAt: string | null;
  slaReminderAt: string | null;
  acknowledgedAt?: string;
  resolvedAt?: string;
  breachedAt?: string;
  resolvedByWorkflowId?: string;
}

/** One change of the ladder: the history line, where it stood before, and where it stands now. */
export interface RecordEscalationChangeInput {
  /** Unique per workflow step (`<escalationWorkflowId>:<n>`): the history line and its portal events are written once. */
  changeKey: string;
  action: EscalationAction;
  at: string;
  officerId?: string;
  noteId?: string;
  questionId?: string;
  detail?: Record<string, unknown>;
  before: { level: EscalationLevel; status: EscalationStatus } | null;
  after: LadderSnapshot;
}
/** Whether the change was new (false: a retry found it written). */
export interface RecordEscalationChangeResult {
  recorded: boolean;
  portalEvents: number;
}

/** Why the officers of a level are told. */
export type OfficerAlertKind = 'RAISED' | 'LEVEL_RAISED' | 'TRANSFERRED' | 'SLA_REMINDER';

/** Tell the active officers of the escalation's level (and place) on WhatsApp. */
export interface NotifyOfficersInput {
  /** Stable per alert, so a retry sends nothing twice. */
  alertKey: string;
  kind: OfficerAlertKind;
  escalationId: string;
  grievanceId: string;
  atrWorkflowId: string;
  level: EscalationLevel;
  departmentCode: string;
  districtCode: string;
  slaDueAt: string;
}
/** How many officers were told; none found is an answer (logged and counted), not a failure. */
export interface NotifyOfficersResult {
  notified: number;
}

/** Send an officer's question (stored under questionId) to the citizen as a WhatsApp template. */
export interface SendCitizenQuestionInput {
  questionId: string;
  escalationId: string;
  atrWorkflowId: string;
}
/** The question's message id, which the citizen's reply quotes. */
export interface SendCitizenQuestionResult {
  messageId: string;
}

/** The escalation workflow's activities. */
export interface EscalationActivities {
  recordEscalationChange(input: RecordEscalationChangeInput): Promise<RecordEscalationChangeResult>;
  notifyOfficers(input: NotifyOfficersInput): Promise<NotifyOfficersResult>;
  sendCitizenQuestion(input: SendCitizenQuestionInput): Promise<SendCitizenQuestionResult>;
}

/** How an escalation ended: resolved by the next cycle's disposal, or breached at the state's level. */
export interface EscalationResult {
  escalationId: string;
  outcome: 'RESOLVED' | 'BREACHED';
  level: EscalationLevel;
  resolvedBy?: string;
}
