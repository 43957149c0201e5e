/**
 * The department's inbox on PostgreSQL: one escalation row per "not satisfied", and how the portal's reopen
 * callback for it ended. The only module that names the escalations table.
 */
import type { Pool } from 'pg';
import { ESCALATION_LEVELS, type EscalationLevel, type PortalCallbackResult } from '../../contracts/workflow';

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

/** Creates the escalation repository on a pool. */
export function createEscalationRepository(pool: Pool) {
  return {
    /** Idempotent: a retried activity finds its row and reports created: false. */
    async createEscalation(e: NewEscalation): Promise<{ escalationId: string; created: boolean }> {
      const { rowCount } = await pool.query(
        `INSERT INTO escalations (escalation_id, workflow_id, grievance_id, cycle, level, level_name, department_code,
                                  district_code, feedback_message_id, reason, comment, voice_media_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (escalation_id) DO NOTHING`,
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
        ],
      );
      return { escalationId: e.escalationId, created: rowCount === 1 };
    },

    async markPortalCallback(escalationId: string, status: PortalCallbackResult, error?: string): Promise<void> {
      await pool.query(
        'UPDATE escalations SET portal_callback = $2, portal_callback_error = $3, portal_callback_at = now() WHERE escalation_id = $1',
        [escalationId, status, error ?? null],
      );
    },

    /**
     * Erases the citizen's words from these closures' escalations: the comment, the voice note, and the portal's
     * error text (a third party's, which may quote them). The row, its level and reason code stay for the report.
     */
    async eraseEscalations(workflowIds: readonly string[]): Promise<number> {
      const { rowCount } = await pool.query(
        `UPDATE escalations SET comment = NULL, voice_media_id = NULL, portal_callback_error = NULL
          WHERE workflow_id = ANY($1) AND (comment IS NOT NULL OR voice_media_id IS NOT NULL OR portal_callback_error IS NOT NULL)`,
        [workflowIds],
      );
      return rowCount ?? 0;
    },
  };
}

/** The escalation repository's methods. */
export type EscalationRepository = ReturnType<typeof createEscalationRepository>;
