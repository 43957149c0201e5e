/**
 * The state of one escalation and every change to it: the officers' updates (each with a validator that refuses a
 * wrong role, a case outside the officer's scope, an ended escalation or bad input), the signals (the re-disposal
 * that resolves it, the citizen's answers), the state query, and the SLA clock. Every change is written to the read
 * model (and the portal's events) by one activity, in the order the changes happened.
 *
 * What stops the clock: only the end (a re-disposal resolves it). Acknowledging, notes and questions to the citizen
 * do not: the SLA is for acting, and an officer's question must not park a case. A transfer restarts the clock at
 * the same level, for the department that now has the case.
 */
import { setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  ESCALATION_SA,
  SLA_REMINDER_FRACTION,
  acknowledgeUpdate,
  addNoteUpdate,
  askCitizenUpdate,
  citizenAnswerSignal,
  escalationStateQuery,
  refusalToAct,
  resolvedByRedisposalSignal,
  transferUpdate,
  type EscalationAction,
  type EscalationActor,
  type EscalationInput,
  type EscalationState,
  type EscalationStatus,
} from '../../contracts/escalation';
import type { LadderSnapshot, OfficerAlertKind } from '../../contracts/escalation-activities';
import { CODE_PATTERN } from '../../contracts/closure';
import { SA, type EscalationLevel } from '../../contracts/workflow';
import { alerts, ladderStore, questions } from './options';

const HOUR_MS = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** One history line's extra fields. */
interface ChangeDetail {
  officerId?: string;
  noteId?: string;
  questionId?: string;
  detail?: Record<string, unknown>;
}

/** The run of one escalation. Construct it inside the workflow function. */
export class EscalationRun {
  readonly workflowId = workflowInfo().workflowId;
  private readonly state: EscalationState;
  private step = 0;
  private acknowledgedAt?: string;
  private resolvedAt?: string;
  private breachedAt?: string;
  /** Changes are written one after another, so the read model never goes back to an older state. */
  private writes: Promise<unknown> = Promise.resolve();
  /** The clock restarts (a transfer) bump this, so the main loop re-reads its deadlines. */
  clockEpoch = 0;
  reminderSent = false;
  redisposal?: { byWorkflowId: string; cycle: number };
  readonly pendingQuestions = new Set<string>();
  readonly answers: { questionId: string; messageId: string; receivedAt: string }[] = [];

  constructor(readonly input: EscalationInput) {
    this.state = {
      escalationId: input.escalationId,
      grievanceId: input.grievanceId,
      cycle: input.cycle,
      departmentCode: input.departmentCode,
      districtCode: input.districtCode,
      level: input.startLevel,
      status: 'OPEN',
      vigilance: input.vigilance,
      slaDueAt: '',
      slaReminderAt: '',
      history: [],
    };
    this.startClock();
  }

  get view(): EscalationState {
    return this.state;
  }

  get ended(): boolean {
    return this.state.status === 'RESOLVED' || this.state.status === 'BREACHED';
  }

  /** The next instant the clock needs the workflow: the reminder if it is still due, else the SLA. */
  get nextDeadlineMs(): number {
    return Date.parse(this.reminderSent ? this.state.slaDueAt : this.state.slaReminderAt);
  }

  setHandlers(): void {
    setHandler(escalationStateQuery, () => this.state);
    setHandler(resolvedByRedisposalSignal, (r) => {
      if (!this.ended && !this.redisposal) this.redisposal = r;
    });
    setHandler(citizenAnswerSignal, (a) => {
      // A repeated or unknown answer changes nothing (the relay may deliver it twice).
      if (this.pendingQuestions.delete(a.questionId)) this.answers.push(a);
    });
    setHandler(acknowledgeUpdate, ({ actor }) => this.acknowledge(actor), { validator: ({ actor }) => this.refuseUnless(actor) });
    setHandler(addNoteUpdate, ({ actor, noteId }) => this.officerAction('NOTE_ADDED', actor, { noteId }), {
      validator: ({ actor, noteId }) => {
        this.refuseUnless(actor);
        requireId('noteId', noteId);
      },
    });
    setHandler(askCitizenUpdate, ({ actor, questionId }) => this.askCitizen(actor, questionId), {
      validator: ({ actor, questionId }) => {
        this.refuseUnless(actor);
        requireId('questionId', questionId);
      },
    });
    setHandler(transferUpdate, (t) => this.transfer(t.actor, t.toDepartmentCode, t.toDistrictCode ?? this.state.districtCode, t.noteId), {
      validator: (t) => this.refuseTransfer(t.actor, t.toDepartmentCode, t.toDistrictCode),
    });
  }

  // ---- the ladder ------------------------------------------------------------------------------------

  /** The escalation is in the inbox at its start level: written, the portal told, the officers alerted. */
  async raise(): Promise<void> {
    this.updateSearchAttributes();
    await this.record('RAISED', null, {});
    await this.alert('RAISED');
  }

  /** 75 % of the SLA has passed with no resolution: remind the level's officers. */
  async remind(): Promise<void> {
    this.reminderSent = true;
    await this.record('SLA_REMINDER_SENT', this.before(), {});
    await this.alert('SLA_REMINDER');
  }

  /** The SLA passed below the state: up one level, a fresh clock, the new level's officers alerted. */
  async raiseLevel(): Promise<void> {
    const before = this.before();
    this.state.level = (this.state.level + 1) as EscalationLevel;
    this.state.status = 'OPEN';
    this.acknowledgedAt = undefined;
    this.startClock();
    this.updateSearchAttributes();
    await this.record('LEVEL_RAISED', before, { detail: { fromLevel: before.level, toLevel: this.state.level } });
    await this.alert('LEVEL_RAISED');
  }

  /** The state's SLA passed too: the escalation ends BREACHED (it stays in the state's inbox). */
  async breach(): Promise<void> {
    const before = this.before();
    this.state.status = 'BREACHED';
    this.breachedAt = iso(Date.now());
    this.updateSearchAttributes();
    await this.record('BREACHED', before, {});
  }

  /** The next cycle's closure came: the escalation ends RESOLVED. */
  async resolve(): Promise<void> {
    const before = this.before();
    this.state.status = 'RESOLVED';
    this.state.resolvedBy = this.redisposal!.byWorkflowId;
    this.resolvedAt = iso(Date.now());
    this.updateSearchAttributes();
    await this.record('RESOLVED', before, { detail: { byWorkflowId: this.redisposal!.byWorkflowId, cycle: this.redisposal!.cycle } });
  }

  /** The citizen answered officers' questions: written; once none is pending the case is back with the officer. */
  async takeAnswers(): Promise<void> {
    const answer = this.answers.shift()!;
    const before = this.before();
    if (this.pendingQuestions.size === 0 && this.state.status === 'AWAITING_CITIZEN') this.state.status = this.acknowledgedAt ? 'ACKNOWLEDGED' : 'OPEN';
    this.updateSearchAttributes();
    await this.record('CITIZEN_ANSWERED', before, { questionId: answer.questionId, detail: { messageId: answer.messageId, receivedAt: answer.receivedAt } });
  }

  // ---- officers' actions -----------------------------------------------------------------------------

  private async acknowledge(actor: EscalationActor): Promise<EscalationState> {
    const before = this.before();
    this.acknowledgedAt ??= iso(Date.now());
    if (this.state.status === 'OPEN') this.state.status = 'ACKNOWLEDGED';
    this.updateSearchAttributes();
    await this.record('ACKNOWLEDGED', before, { officerId: actor.officerId });
    return this.state;
  }

  private async officerAction(action: EscalationAction, actor: EscalationActor, detail: ChangeDetail): Promise<EscalationState> {
    await this.record(action, this.before(), { officerId: actor.officerId, ...detail });
    return this.state;
  }

  private async askCitizen(actor: EscalationActor, questionId: string): Promise<EscalationState> {
    // Sent first: a question that cannot reach the citizen fails the update, and the officer is told why.
    await questions.sendCitizenQuestion({ questionId, escalationId: this.state.escalationId, atrWorkflowId: this.input.atrWorkflowId });
    const before = this.before();
    this.pendingQuestions.add(questionId);
    if (this.state.status !== 'AWAITING_CITIZEN') this.state.status = 'AWAITING_CITIZEN';
    this.updateSearchAttributes();
    await this.record('CITIZEN_ASKED', before, { officerId: actor.officerId, questionId });
    return this.state;
  }

  private async transfer(actor: EscalationActor, toDepartmentCode: string, toDistrictCode: string, noteId?: string): Promise<EscalationState> {
    const before = this.before();
    const from = { departmentCode: this.state.departmentCode, districtCode: this.state.districtCode };
    this.state.departmentCode = toDepartmentCode;
    this.state.districtCode = toDistrictCode;
    this.state.status = this.pendingQuestions.size ? 'AWAITING_CITIZEN' : 'OPEN';
    this.acknowledgedAt = undefined;
    this.startClock();
    this.updateSearchAttributes();
    await this.record('TRANSFERRED', before, {
      officerId: actor.officerId,
      noteId,
      detail: { fromDepartmentCode: from.departmentCode, fromDistrictCode: from.districtCode, toDepartmentCode, toDistrictCode },
    });
    await this.alert('TRANSFERRED');
    return this.state;
  }

  // ---- validators --------------------------------------------------------------------------------------

  private refuseUnless(actor: EscalationActor): void {
    if (!actor || typeof actor.officerId !== 'string' || !actor.officerId || !['L1', 'L2', 'L3'].includes(actor.role)) {
      throw new Error('actor must name an officer and a role (L1, L2 or L3)');
    }
    const refusal = refusalToAct(actor, this.state);
    if (refusal) throw new Error(refusal);
  }

  /** Wrong jurisdiction: another department or district; a department's officer moves it within their district only. */
  private refuseTransfer(actor: EscalationActor, toDepartmentCode: string, toDistrictCode?: string): void {
    this.refuseUnless(actor);
    if (typeof toDepartmentCode !== 'string' || !CODE_PATTERN.test(toDepartmentCode)) throw new Error('toDepartmentCode must be a department code');
    if (toDistrictCode !== undefined && (typeof toDistrictCode !== 'string' || !CODE_PATTERN.test(toDistrictCode))) throw new Error('toDistrictCode must be a district code');
    const district = toDistrictCode ?? this.state.districtCode;
    if (toDepartmentCode === this.state.departmentCode && district === this.state.districtCode) throw new Error('the escalation is already with that department and district');
    if (actor.role === 'L1' && district !== this.state.districtCode) throw new Error("a department's officer may transfer only within their district; the district (L2) moves it to another");
  }

  // ---- helpers -----------------------------------------------------------------------------------------

  /** A fresh SLA at the current level, from now (a new level or a transfer). */
  private startClock(): void {
    const now = Date.now();
    const slaMs = this.input.slaHours[this.state.level] * HOUR_MS;
    this.state.slaDueAt = iso(now + slaMs);
    this.state.slaReminderAt = iso(now + Math.round(slaMs * SLA_REMINDER_FRACTION));
    this.reminderSent = false;
    this.clockEpoch += 1;
  }

  private before(): { level: EscalationLevel; status: EscalationStatus } {
    return { level: this.state.level, status: this.state.status };
  }

  private snapshot(): LadderSnapshot {
    const s = this.state;
    const ended = this.ended;
    return {
      escalationId: s.escalationId,
      escalationWorkflowId: this.workflowId,
      grievanceId: s.grievanceId,
      cycle: s.cycle,
      atrWorkflowId: this.input.atrWorkflowId,
      status: s.status,
      level: s.level,
      departmentCode: s.departmentCode,
      districtCode: s.districtCode,
      vigilance: s.vigilance,
      reason: this.input.reason,
      // An ended escalation has no clock; BREACHED keeps the due time it missed, for the state's inbox.
      slaDueAt: s.status === 'RESOLVED' ? null : s.slaDueAt,
      slaReminderAt: ended ? null : s.slaReminderAt,
      acknowledgedAt: this.acknowledgedAt,
      resolvedAt: this.resolvedAt,
      breachedAt: this.breachedAt,
      resolvedByWorkflowId: s.resolvedBy,
    };
  }

  /** Adds a history line and writes it with the new state, after every earlier write. */
  private async record(action: EscalationAction, before: { level: EscalationLevel; status: EscalationStatus } | null, extra: ChangeDetail): Promise<void> {
    const at = iso(Date.now());
    this.state.history.push({ action, at, level: this.state.level, ...(extra.officerId ? { officerId: extra.officerId } : {}) });
    const input = { changeKey: `${this.workflowId}:${++this.step}`, action, at, before, after: this.snapshot(), ...extra };
    const write = this.writes.then(() => ladderStore.recordEscalationChange(input));
    this.writes = write.catch(() => undefined);
    await write;
  }

  private async alert(kind: OfficerAlertKind): Promise<void> {
    const s = this.state;
    await alerts
      .notifyOfficers({
        alertKey: `${this.workflowId}:alert:${this.step}`,
        kind,
        escalationId: s.escalationId,
        grievanceId: s.grievanceId,
        atrWorkflowId: this.input.atrWorkflowId,
        level: s.level,
        departmentCode: s.departmentCode,
        districtCode: s.districtCode,
        slaDueAt: s.slaDueAt,
      })
      // An alert that could not go is not the ladder's failure: the inbox and the portal's events still have it.
      .catch(() => undefined);
  }

  private updateSearchAttributes(): void {
    const s = this.state;
    const pairs: Parameters<typeof upsertSearchAttributes>[0] = [
      { key: SA.grievanceId, value: s.grievanceId },
      { key: SA.departmentCode, value: s.departmentCode },
      { key: SA.districtCode, value: s.districtCode },
      { key: SA.escalationLevel, value: s.level },
      { key: ESCALATION_SA.status, value: s.status },
      { key: ESCALATION_SA.vigilance, value: s.vigilance },
      { key: ESCALATION_SA.slaDueAt, value: new Date(s.slaDueAt) },
    ];
    upsertSearchAttributes(pairs);
  }
}

function requireId(field: string, value: unknown): void {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new Error(`${field} must be an id of 1-64 letters, digits, - or _`);
}
