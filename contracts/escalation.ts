/**
 * The escalation ladder's contract: one escalation workflow per "not satisfied" (grievance + cycle), which outlives
 * the ATR workflow that starts it and climbs L1 (the department's officer in the district) → L2 (the district,
 * the collector's office) → L3 (the state, the Public Grievance Redressal Department) whenever a level's SLA
 * passes with no action. Officers act through Temporal updates (validated) from the HTTP API and the inbox.
 * Node-free, so the workflow sandbox can import it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey } from '@temporalio/common';
import type { FeedbackReason } from './closure';
import { ESCALATION_LEVELS, SEARCH_ATTRIBUTES, escalationLevelFor, type EscalationLevel } from './workflow';

/** Workflow type name, fixed so that renaming the function never orphans histories in flight. */
export const ESCALATION_WORKFLOW_TYPE = 'escalationWorkflow';

/** One escalation per grievance and cycle: the ATR workflow of that cycle starts it; never personal data here. */
export function escalationWorkflowId(grievanceId: string, cycle: number): string {
  return `esc-${grievanceId}-c${cycle}`;
}

/** Where an escalation stands. RESOLVED and BREACHED end it; a BREACHED one stays in the state's inbox. */
export const ESCALATION_STATUSES = ['OPEN', 'ACKNOWLEDGED', 'AWAITING_CITIZEN', 'RESOLVED', 'BREACHED'] as const;
/** An escalation status. */
export type EscalationStatus = (typeof ESCALATION_STATUSES)[number];

/** The statuses that end an escalation. */
export const FINAL_ESCALATION_STATUSES: readonly EscalationStatus[] = ['RESOLVED', 'BREACHED'];

/**
 * Default SLA per level, in hours: L1 7 days (the department acts), L2 5 days, L3 3 days (the state is the last
 * resort and has the shortest clock). Departments and, for drills, single closures may override them.
 */
export const DEFAULT_ESCALATION_SLA_HOURS: Record<EscalationLevel, number> = { 1: 7 * 24, 2: 5 * 24, 3: 3 * 24 };

/** The officer of a level is reminded when this share of the SLA has passed with no action. */
export const SLA_REMINDER_FRACTION = 0.75;

/**
 * The level an escalation starts at: misconduct (money, bad behaviour) goes straight to the state, marked for
 * vigilance; otherwise one level per cycle (cycle 1 the department, 2 the district, 3 and above the state).
 */
export function escalationStartLevel(cycle: number, reason?: FeedbackReason): EscalationLevel {
  return reason === 'MISCONDUCT' ? 3 : escalationLevelFor(cycle);
}

/** Whether a reason marks the escalation for the vigilance cell. */
export function isVigilanceReason(reason?: FeedbackReason): boolean {
  return reason === 'MISCONDUCT';
}

/** The name of a level, for search attributes, events and wording keys. */
export function escalationLevelName(level: EscalationLevel): (typeof ESCALATION_LEVELS)[EscalationLevel] {
  return ESCALATION_LEVELS[level];
}

/** What the ATR workflow hands to the escalation it starts. No personal data: the workflow reads it from PostgreSQL. */
export interface EscalationInput {
  escalationId: string;
  grievanceId: string;
  cycle: number;
  /** The ATR workflow that raised it (its closure, feedback and ATR live under this id in PostgreSQL). */
  atrWorkflowId: string;
  departmentCode: string;
  districtCode: string;
  startLevel: EscalationLevel;
  reason?: FeedbackReason;
  vigilance: boolean;
  /** Per level, after department and closure overrides. */
  slaHours: Record<EscalationLevel, number>;
}

/** Officer roles: the level an officer answers for, and their scope (L1 department+district, L2 district, L3 state). */
export const OFFICER_ROLES = ['L1', 'L2', 'L3'] as const;
/** An officer role. */
export type OfficerRole = (typeof OFFICER_ROLES)[number];

/** Who acts on an escalation: every update carries it, and its validator refuses an officer outside the scope. */
export interface EscalationActor {
  officerId: string;
  role: OfficerRole;
  /** For L1: the officer's department; null for L2 and L3. */
  departmentCode: string | null;
  /** For L1 and L2: the officer's district; null for L3. */
  districtCode: string | null;
}

/** The actions an officer can take, and how the ladder records the others (raise, reminder, answers). */
export const ESCALATION_ACTIONS = [
  'RAISED',
  'ACKNOWLEDGED',
  'NOTE_ADDED',
  'CITIZEN_ASKED',
  'CITIZEN_ANSWERED',
  'TRANSFERRED',
  'SLA_REMINDER_SENT',
  'LEVEL_RAISED',
  'RESOLVED',
  'BREACHED',
] as const;
/** An escalation action. */
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

/** Live state of one escalation, returned by the state query. */
export interface EscalationState {
  escalationId: string;
  grievanceId: string;
  cycle: number;
  departmentCode: string;
  districtCode: string;
  level: EscalationLevel;
  status: EscalationStatus;
  vigilance: boolean;
  /** When the current level's SLA passes (ISO). */
  slaDueAt: string;
  slaReminderAt: string;
  history: { action: EscalationAction; at: string; level: EscalationLevel; officerId?: string }[];
  /** For RESOLVED: the workflow id of the next cycle's ATR. */
  resolvedBy?: string;
}

/** Acknowledge: the officer has seen it and is acting; the SLA clock keeps running. */
export const acknowledgeUpdate = defineUpdate<EscalationState, [{ actor: EscalationActor }]>('acknowledge');
/** A note on the case (the text is stored in PostgreSQL by the API; the workflow gets its id). */
export const addNoteUpdate = defineUpdate<EscalationState, [{ actor: EscalationActor; noteId: string }]>('addNote');
/** Ask the citizen a question by WhatsApp template; their answer comes back as citizenAnswerSignal. */
export const askCitizenUpdate = defineUpdate<EscalationState, [{ actor: EscalationActor; questionId: string }]>('askCitizen');
/** Wrong jurisdiction: move to another department (and district); the SLA restarts at the current level. */
export const transferUpdate = defineUpdate<
  EscalationState,
  [{ actor: EscalationActor; toDepartmentCode: string; toDistrictCode?: string; noteId?: string }]
>('transfer');
/** The portal's closure of the next cycle (re-disposal) ends the escalation RESOLVED. Sent by the next ATR workflow. */
export const resolvedByRedisposalSignal = defineSignal<[{ byWorkflowId: string; cycle: number }]>('resolvedByRedisposal');
/** The citizen's answer to an officer's question (an id of the stored message; the text stays in PostgreSQL). */
export const citizenAnswerSignal = defineSignal<[{ questionId: string; messageId: string; receivedAt: string }]>('citizenAnswer');
/** The live state, for the API, the inbox, the CLI and the Web UI. */
export const escalationStateQuery = defineQuery<EscalationState>('escalationState');

/** Search attributes of escalation workflows (EscalationLevel, DepartmentCode, DistrictCode and GrievanceId are shared with the ATR's). */
export const ESCALATION_SA = {
  status: defineSearchAttributeKey('EscalationStatus', 'KEYWORD'),
  slaDueAt: defineSearchAttributeKey('EscalationSlaDue', 'DATETIME'),
  vigilance: defineSearchAttributeKey('EscalationVigilance', 'BOOL'),
} as const;

/** The level an officer role answers for. */
export const ROLE_LEVEL: Record<OfficerRole, EscalationLevel> = { L1: 1, L2: 2, L3: 3 };

/** Where an escalation stands in the map: the department and district it is with now (a transfer moves it). */
export interface EscalationPlace {
  departmentCode: string;
  districtCode: string;
}

/** Whether an officer's scope covers an escalation: L1 their department in their district, L2 their district, L3 the state. */
export function inEscalationScope(actor: EscalationActor, place: EscalationPlace): boolean {
  if (actor.role === 'L3') return true;
  if (actor.role === 'L2') return actor.districtCode === place.districtCode;
  return actor.districtCode === place.districtCode && actor.departmentCode === place.departmentCode;
}

/**
 * Why an officer may not act on an escalation, or undefined when they may. Officers see their scope at every
 * level, but act only from the escalation's current level up: once it has gone to the district, the department's
 * officer can no longer acknowledge it for the district (a higher officer may step in early). Ended ones take no action.
 */
export function refusalToAct(actor: EscalationActor, esc: EscalationPlace & { level: EscalationLevel; status: EscalationStatus }): string | undefined {
  if (FINAL_ESCALATION_STATUSES.includes(esc.status)) return `escalation is ${esc.status}; it takes no more actions`;
  if (!inEscalationScope(actor, esc)) return 'escalation is outside the officer\'s department or district';
  if (ROLE_LEVEL[actor.role] < esc.level) return `escalation is at level ${esc.level}; role ${actor.role} may not act on it`;
  return undefined;
}

/** The inbox's filters (all optional, combined with AND, always within the officer's scope). */
export interface EscalationFilter {
  level?: EscalationLevel;
  status?: EscalationStatus;
  /** Only those whose SLA passes before this instant (ISO); "overdue" is slaDueBefore = now. */
  slaDueBefore?: string;
  departmentCode?: string;
  districtCode?: string;
  limit?: number;
}

/** One row of an inbox or of `sampark-atr escalations`: no personal data. */
export interface EscalationSummary {
  escalationId: string;
  escalationWorkflowId: string | null;
  atrWorkflowId: string;
  grievanceId: string;
  cycle: number;
  level: EscalationLevel;
  status: EscalationStatus;
  departmentCode: string;
  districtCode: string;
  vigilance: boolean;
  reason: string | null;
  slaDueAt: string | null;
  raisedAt: string;
  updatedAt: string;
}

/** One line of an escalation's history, with the officer's note or question text when there is one. */
export interface EscalationHistoryEntry {
  action: EscalationAction;
  level: EscalationLevel;
  officerId: string | null;
  note: string | null;
  at: string;
  detail: Record<string, unknown> | null;
}

/** A question an officer asked the citizen, and the answer when it came. */
export interface EscalationQuestionView {
  questionId: string;
  officerId: string;
  question: string;
  askedAt: string;
  answer: string | null;
  answeredAt: string | null;
}

/** The case page's data: the summary, the citizen's reason, comment and voice note id, and the history. */
export interface EscalationCase extends EscalationSummary {
  comment: string | null;
  voiceMediaId: string | null;
  raisedLevel: EscalationLevel;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  breachedAt: string | null;
  resolvedByWorkflowId: string | null;
  history: EscalationHistoryEntry[];
  questions: EscalationQuestionView[];
}

/** Every search attribute the workers set (the ATR's and the escalations'), for the dev server and namespace setup. */
export const ALL_SEARCH_ATTRIBUTES = [...SEARCH_ATTRIBUTES, ...Object.values(ESCALATION_SA)];
