/**
 * The escalations' read model on PostgreSQL: one row per "not satisfied", where it stands on the ladder (written by
 * the escalation workflow's activities), its history, the officers' notes and questions to the citizen. The only
 * module that names these tables; the inbox, API and CLI read through it. (The portal hears of each change through
 * the event outbox, db/repositories/portal-events.ts, written in the same transaction.)
 */
import type { Pool } from 'pg';
import { inTransaction } from '../pool';
import type {
  EscalationAction,
  EscalationActor,
  EscalationCase,
  EscalationFilter,
  EscalationHistoryEntry,
  EscalationQuestionView,
  EscalationStatus,
  EscalationSummary,
} from '../../contracts/escalation';
import type { LadderSnapshot } from '../../contracts/escalation-activities';
import type { NewPortalEvent } from '../../contracts/events';
import { ESCALATION_LEVELS, type EscalationLevel } from '../../contracts/workflow';
import { appendPortalEvents } from './portal-events';

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
  /** For the vigilance cell (MISCONDUCT). */
  vigilance?: boolean;
}

/** Where the ladder stands after a change (the workflow's snapshot, without what never changes after the raise). */
export type LadderPosition = Omit<LadderSnapshot, 'grievanceId' | 'cycle' | 'atrWorkflowId' | 'reason'>;

/** One line of history; `actionKey` is unique per escalation workflow step, so a retried activity writes it once. */
export interface NewEscalationAction {
  actionKey: string;
  escalationId: string;
  action: EscalationAction;
  level: EscalationLevel;
  officerId?: string;
  noteId?: string;
  questionId?: string;
  detail?: Record<string, unknown>;
  at: string;
}

const SUMMARY_COLUMNS = `escalation_id, escalation_workflow_id, workflow_id, grievance_id, cycle, current_level, status,
  current_department_code, current_district_code, vigilance, reason, sla_due_at, created_at, updated_at`;

type Row = Record<string, unknown>;
const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));

function toSummary(r: Row): EscalationSummary {
  return {
    escalationId: r.escalation_id as string,
    escalationWorkflowId: (r.escalation_workflow_id as string | null) ?? null,
    atrWorkflowId: r.workflow_id as string,
    grievanceId: r.grievance_id as string,
    cycle: r.cycle as number,
    level: r.current_level as EscalationLevel,
    status: r.status as EscalationStatus,
    departmentCode: r.current_department_code as string,
    districtCode: r.current_district_code as string,
    vigilance: r.vigilance as boolean,
    reason: (r.reason as string | null) ?? null,
    slaDueAt: iso(r.sla_due_at),
    raisedAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/** SQL conditions for an officer's scope and the inbox's filters; `args` grows with each parameter. */
function scopeWhere(actor: EscalationActor | null, filter: EscalationFilter, args: unknown[]): string {
  const where: string[] = [];
  const add = (sql: string, value: unknown) => {
    args.push(value);
    where.push(sql.replace('?', `$${args.length}`));
  };
  // L3 (and ops, with no actor) see the state; L2 their district; L1 their department in their district.
  if (actor && actor.role !== 'L3') add('current_district_code = ?', actor.districtCode ?? '');
  if (actor && actor.role === 'L1') add('current_department_code = ?', actor.departmentCode ?? '');
  if (filter.level) add('current_level = ?', filter.level);
  if (filter.status) add('status = ?', filter.status);
  if (filter.slaDueBefore) add('sla_due_at < ?', filter.slaDueBefore);
  if (filter.departmentCode) add('current_department_code = ?', filter.departmentCode);
  if (filter.districtCode) add('current_district_code = ?', filter.districtCode);
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

/** Creates the escalation repository on a pool. */
export function createEscalationRepository(pool: Pool) {
  return {
    /** Idempotent: a retried activity finds its row and reports created: false. */
    async createEscalation(e: NewEscalation): Promise<{ escalationId: string; created: boolean }> {
      const { rowCount } = await pool.query(
        `INSERT INTO escalations (escalation_id, workflow_id, grievance_id, cycle, level, level_name, department_code,
                                  district_code, feedback_message_id, reason, comment, voice_media_id, vigilance,
                                  current_level, current_department_code, current_district_code)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $5, $7, $8) ON CONFLICT (escalation_id) DO NOTHING`,
        [
          e.escalationId,
          e.workflowId,
          e.grievanceId,
          e.cycle,
          e.level,
          ESCALATION_LEVELS[e.level],
          e.departmentCode,
          e.districtCode,
          e.feedbackMessageId,
          e.reason ?? null,
          e.comment ?? null,
          e.voiceMediaId ?? null,
          e.vigilance ?? false,
        ],
      );
      return { escalationId: e.escalationId, created: rowCount === 1 };
    },

    /** Writes where the ladder stands, the history line that moved it and the portal's events of it, together. */
    async recordLadderChange(position: LadderPosition, action: NewEscalationAction, events: readonly NewPortalEvent[] = []): Promise<{ recorded: boolean; portalEvents: number }> {
      return inTransaction(pool, async (client) => {
        const p = position;
        await client.query(
          `UPDATE escalations SET escalation_workflow_id = $2, status = $3, current_level = $4, current_department_code = $5,
                  current_district_code = $6, vigilance = $7, sla_due_at = $8, sla_reminder_at = $9,
                  acknowledged_at = $10, resolved_at = $11, breached_at = $12,
                  resolved_by_workflow_id = $13, updated_at = now()
            WHERE escalation_id = $1`,
          [p.escalationId, p.escalationWorkflowId, p.status, p.level, p.departmentCode, p.districtCode, p.vigilance, p.slaDueAt,
            p.slaReminderAt, p.acknowledgedAt ?? null, p.resolvedAt ?? null, p.breachedAt ?? null, p.resolvedByWorkflowId ?? null],
        );
        const { rowCount } = await client.query(
          `INSERT INTO escalation_actions (action_key, escalation_id, action, level, officer_id, note_id, question_id, detail, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (action_key) DO NOTHING`,
          [action.actionKey, action.escalationId, action.action, action.level, action.officerId ?? null, action.noteId ?? null,
            action.questionId ?? null, action.detail ? JSON.stringify(action.detail) : null, action.at],
        );
        const portalEvents = await appendPortalEvents(client, events);
        return { recorded: rowCount === 1, portalEvents };
      });
    },

    /** The escalations in an officer's scope (null: ops, the whole state), most urgent SLA first. */
    async listEscalations(actor: EscalationActor | null, filter: EscalationFilter = {}): Promise<EscalationSummary[]> {
      const args: unknown[] = [];
      const where = scopeWhere(actor, filter, args);
      args.push(Math.min(filter.limit ?? 200, 1000));
      const { rows } = await pool.query(
        `SELECT ${SUMMARY_COLUMNS} FROM escalations ${where} ORDER BY sla_due_at ASC NULLS LAST, created_at DESC LIMIT $${args.length}`,
        args,
      );
      return rows.map(toSummary);
    },

    /** One case with its history and questions; null when it does not exist or lies outside the officer's scope. */
    async getCase(escalationId: string, actor: EscalationActor | null): Promise<EscalationCase | null> {
      const args: unknown[] = [escalationId];
      const scope = scopeWhere(actor, {}, args).replace(/^WHERE /, 'AND ');
      const { rows } = await pool.query(
        `SELECT ${SUMMARY_COLUMNS}, level, comment, voice_media_id, acknowledged_at, resolved_at, breached_at, resolved_by_workflow_id
           FROM escalations WHERE escalation_id = $1 ${scope}`,
        args,
      );
      const r = rows[0];
      if (!r) return null;
      return {
        ...toSummary(r),
        raisedLevel: r.level as EscalationLevel,
        comment: (r.comment as string | null) ?? null,
        voiceMediaId: (r.voice_media_id as string | null) ?? null,
        acknowledgedAt: iso(r.acknowledged_at),
        resolvedAt: iso(r.resolved_at),
        breachedAt: iso(r.breached_at),
        resolvedByWorkflowId: (r.resolved_by_workflow_id as string | null) ?? null,
        history: await this.history(escalationId),
        questions: await this.questions(escalationId),
      };
    },

    /** The escalation's history, oldest first, with each note's or question's text. */
    async history(escalationId: string): Promise<EscalationHistoryEntry[]> {
      const { rows } = await pool.query(
        `SELECT a.action, a.level, a.officer_id, COALESCE(n.note, q.question) AS note, a.at, a.detail
           FROM escalation_actions a
           LEFT JOIN escalation_notes n ON n.note_id = a.note_id
           LEFT JOIN escalation_questions q ON q.question_id = a.question_id
          WHERE a.escalation_id = $1 ORDER BY a.at, a.action_key`,
        [escalationId],
      );
      return rows.map((r: Row) => ({
        action: r.action as EscalationAction,
        level: r.level as EscalationLevel,
        officerId: (r.officer_id as string | null) ?? null,
        note: (r.note as string | null) ?? null,
        at: iso(r.at)!,
        detail: (r.detail as Record<string, unknown> | null) ?? null,
      }));
    },

    async questions(escalationId: string): Promise<EscalationQuestionView[]> {
      const { rows } = await pool.query(
        `SELECT question_id, officer_id, question, asked_at, answer, answered_at FROM escalation_questions
          WHERE escalation_id = $1 ORDER BY asked_at`,
        [escalationId],
      );
      return rows.map((r: Row) => ({
        questionId: r.question_id as string,
        officerId: r.officer_id as string,
        question: r.question as string,
        askedAt: iso(r.asked_at)!,
        answer: (r.answer as string | null) ?? null,
        answeredAt: iso(r.answered_at),
      }));
    },

    /** Keeps an officer's note before the workflow hears of it (only its id travels through Temporal). */
    async saveNote(note: { noteId: string; escalationId: string; officerId: string; note: string }): Promise<void> {
      await pool.query(
        'INSERT INTO escalation_notes (note_id, escalation_id, officer_id, note) VALUES ($1, $2, $3, $4) ON CONFLICT (note_id) DO NOTHING',
        [note.noteId, note.escalationId, note.officerId, note.note],
      );
    },

    /** Keeps an officer's question before the workflow sends it. */
    async saveQuestion(q: { questionId: string; escalationId: string; officerId: string; question: string }): Promise<void> {
      await pool.query(
        `INSERT INTO escalation_questions (question_id, escalation_id, officer_id, question) VALUES ($1, $2, $3, $4)
         ON CONFLICT (question_id) DO NOTHING`,
        [q.questionId, q.escalationId, q.officerId, q.question],
      );
    },

    async getQuestion(questionId: string): Promise<{ escalationId: string; question: string; atrWorkflowId: string } | null> {
      const { rows } = await pool.query(
        `SELECT q.escalation_id, q.question, e.workflow_id FROM escalation_questions q
           JOIN escalations e ON e.escalation_id = q.escalation_id WHERE q.question_id = $1`,
        [questionId],
      );
      const r = rows[0];
      return r ? { escalationId: r.escalation_id, question: r.question, atrWorkflowId: r.workflow_id } : null;
    },

    /** The question went out: to whom, and as which message (a reply quoting it names this id). */
    async markQuestionSent(questionId: string, recipient: string, messageId: string): Promise<void> {
      await pool.query('UPDATE escalation_questions SET recipient = $2, message_id = $3 WHERE question_id = $1', [questionId, recipient, messageId]);
    },

    /**
     * The question a citizen's reply answers: the one whose message it quotes, else the only unanswered one sent to
     * that phone (two pending and no quote: none, so no answer lands on the wrong case).
     */
    async findQuestionForReply(from: string, quotedMessageId?: string): Promise<{ questionId: string; escalationWorkflowId: string } | null> {
      const { rows } = await pool.query(
        `SELECT q.question_id, e.escalation_workflow_id FROM escalation_questions q
           JOIN escalations e ON e.escalation_id = q.escalation_id
          WHERE e.escalation_workflow_id IS NOT NULL
            AND (q.message_id = $2 OR ($2::text IS NULL AND q.recipient = $1 AND q.answered_at IS NULL))
          LIMIT 2`,
        [from, quotedMessageId ?? null],
      );
      return rows.length === 1 ? { questionId: rows[0].question_id, escalationWorkflowId: rows[0].escalation_workflow_id } : null;
    },

    /** Keeps the citizen's answer (their words stay here); a repeat of the same message changes nothing. */
    async recordAnswer(questionId: string, messageId: string, answer: string): Promise<{ recorded: boolean }> {
      const { rowCount } = await pool.query(
        `UPDATE escalation_questions SET answer = $3, answer_message_id = $2, answered_at = now()
          WHERE question_id = $1 AND answered_at IS NULL`,
        [questionId, messageId, answer],
      );
      return { recorded: rowCount === 1 };
    },

    /**
     * Erases the citizen's words from these closures' escalations: the comment, the voice note, the answers to
     * officers' questions. The row, its level,
     * reason code and history stay for the report.
     */
    async eraseEscalations(workflowIds: readonly string[]): Promise<number> {
      await pool.query(
        `UPDATE escalation_questions SET answer = NULL, recipient = NULL
          WHERE escalation_id IN (SELECT escalation_id FROM escalations WHERE workflow_id = ANY($1))
            AND (answer IS NOT NULL OR recipient IS NOT NULL)`,
        [workflowIds],
      );
      const { rowCount } = await pool.query(
        `UPDATE escalations SET comment = NULL, voice_media_id = NULL
          WHERE workflow_id = ANY($1) AND (comment IS NOT NULL OR voice_media_id IS NOT NULL)`,
        [workflowIds],
      );
      return rowCount ?? 0;
    },
  };
}

/** The escalation repository's methods. */
export type EscalationRepository = ReturnType<typeof createEscalationRepository>;
