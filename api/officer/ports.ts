/**
 * What the officers' inbox needs from the rest of the system, as small interfaces: the directory of officers, the
 * escalations' read model (scoped: a case outside the officer's scope does not exist for them), the actions (Temporal
 * updates through the escalation client), the ATR's bytes and the citizen's voice note. api/main.ts wires the real
 * repositories and client in (wiring.ts); nothing here is a stand-in.
 */
import type { EscalationActor, EscalationAction, EscalationStatus, EscalationSummary, OfficerRole } from '../../contracts/escalation';
import type { EscalationLevel } from '../../contracts/workflow';
import type { OfficerAccountRepository } from '../../db/repositories/officer-accounts';

/** An officer of the directory, as the inbox shows and scopes them. */
export interface InboxOfficer {
  officerId: string;
  name: string;
  role: OfficerRole;
  /** L1 only. */
  departmentCode: string | null;
  /** L1 and L2. */
  districtCode: string | null;
}

/** The SLA filter: past due, or due within the next 24 hours. */
export type SlaFilter = 'overdue' | 'due24h';

/** The list's filters (all optional; the scope always applies on top). */
export interface InboxFilters {
  level?: EscalationLevel;
  status?: EscalationStatus;
  sla?: SlaFilter;
  departmentCode?: string;
  districtCode?: string;
}

/** A row of the list: the escalation's summary, its SLA due as a Date for the clock. */
export type InboxRow = Pick<EscalationSummary, 'escalationId' | 'grievanceId' | 'cycle' | 'level' | 'status' | 'departmentCode' | 'districtCode' | 'vigilance' | 'reason'> & {
  slaDueAt: Date | null;
};

/** One entry of a case's history; a note's or a question's text when the action carried one. */
export interface InboxHistoryEntry {
  action: EscalationAction;
  at: Date;
  level: EscalationLevel;
  officerId: string | null;
  text: string | null;
}

/** A case as its page shows it. The phone is the citizen's, shown masked until the officer asks. */
export interface InboxCase extends InboxRow {
  /** The ATR workflow whose "not satisfied" raised it (its closure, ATR and voice note are kept under this id). */
  atrWorkflowId: string;
  comment: string | null;
  /** The voice note's media id, if the citizen sent one. */
  voiceNoteId: string | null;
  atrId: string | null;
  citizenPhone: string | null;
  history: InboxHistoryEntry[];
}

/** Reads of the escalations, always within a scope: a case outside it is null, never an error that tells it exists. */
export interface InboxReadModel {
  list(scope: EscalationActor, filters: InboxFilters, now: Date): Promise<InboxRow[]>;
  getCase(scope: EscalationActor, escalationId: string): Promise<InboxCase | null>;
}

/** Why an action was not taken (the workflow's validator refused it, or it has ended): shown to the officer. */
export class ActionRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionRefusedError';
  }
}

/** The officers' actions, each a validated Temporal update. Throws ActionRefusedError when the workflow refuses. */
export interface InboxActions {
  acknowledge(escalationId: string, actor: EscalationActor): Promise<void>;
  addNote(escalationId: string, actor: EscalationActor, text: string): Promise<void>;
  askCitizen(escalationId: string, actor: EscalationActor, question: string): Promise<void>;
  transfer(escalationId: string, actor: EscalationActor, to: { departmentCode: string; districtCode?: string; note?: string }): Promise<void>;
}

/** A stored voice note's bytes and type. */
export interface VoiceNote {
  audio: Uint8Array;
  mimeType: string;
}

/** Everything the inbox is built on. */
export interface InboxDeps {
  accounts: OfficerAccountRepository;
  directory: { getOfficer(officerId: string): Promise<InboxOfficer | null> };
  escalations: InboxReadModel;
  actions: InboxActions;
  atrs: { getAtr(atrId: string): Promise<{ bytes: Uint8Array } | null> };
  /** By closure and media id, so a media id alone never opens another closure's note. */
  voiceNotes: { getVoiceNote(key: { workflowId: string; mediaId: string }): Promise<VoiceNote | undefined> };
}
