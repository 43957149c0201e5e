/**
 * What we answered to citizens' messages that were not feedback (a reply after the feedback period closed, a
 * text we could not read as a rating), for ops. Never the citizen's words: those stay in the inbox and go with
 * the closure's erasure. The only module that names citizen_replies.
 */
import type { Pool } from 'pg';
import type { Outcome } from '../../contracts/workflow';

/** Why we answered a citizen's message ourselves. */
export type CitizenReplyKind = 'AFTER_CLOSE' | 'HELP';

/** One answered message. */
export interface CitizenReply {
  wamid: string;
  workflowId: string;
  kind: CitizenReplyKind;
  /** The citizen's message type (text, audio, button...), never its content. */
  messageType: string;
  /** The closure's outcome when we answered after the close. */
  outcome?: Outcome;
  receivedAt: Date;
}

/** A recorded answer, with how our reply went. */
export interface RecordedCitizenReply extends CitizenReply {
  replyMessageId?: string;
  replyError?: string;
  recordedAt: Date;
}

/** Creates the citizen reply repository on a pool. */
export function createCitizenReplyRepository(pool: Pool) {
  return {
    /** Records the message once (a redelivery records nothing more); returns whether it was new. */
    async recordCitizenReply(r: CitizenReply): Promise<{ inserted: boolean }> {
      const { rowCount } = await pool.query(
        `INSERT INTO citizen_replies (wamid, workflow_id, kind, message_type, outcome, received_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (wamid) DO NOTHING`,
        [r.wamid, r.workflowId, r.kind, r.messageType, r.outcome ?? null, r.receivedAt],
      );
      return { inserted: rowCount === 1 };
    },

    /** How our answer went: its message id, or why it could not go. */
    async markAnswered(wamid: string, answer: { replyMessageId: string } | { replyError: string }): Promise<void> {
      await pool.query('UPDATE citizen_replies SET reply_message_id = $2, reply_error = $3 WHERE wamid = $1', [
        wamid,
        'replyMessageId' in answer ? answer.replyMessageId : null,
        'replyError' in answer ? answer.replyError : null,
      ]);
    },

    /** The answered messages of these closures, oldest first (`sampark-atr status`). */
    async repliesOf(workflowIds: readonly string[]): Promise<RecordedCitizenReply[]> {
      const { rows } = await pool.query<{
        wamid: string;
        workflow_id: string;
        kind: CitizenReplyKind;
        message_type: string;
        outcome: Outcome | null;
        reply_message_id: string | null;
        reply_error: string | null;
        received_at: Date;
        recorded_at: Date;
      }>('SELECT * FROM citizen_replies WHERE workflow_id = ANY($1) ORDER BY received_at', [workflowIds]);
      return rows.map((r) => ({
        wamid: r.wamid,
        workflowId: r.workflow_id,
        kind: r.kind,
        messageType: r.message_type,
        ...(r.outcome ? { outcome: r.outcome } : {}),
        ...(r.reply_message_id ? { replyMessageId: r.reply_message_id } : {}),
        ...(r.reply_error ? { replyError: r.reply_error } : {}),
        receivedAt: r.received_at,
        recordedAt: r.recorded_at,
      }));
    },

    /** Deletes these closures' rows (erasure): they hold no words, but they say when the citizen wrote. */
    async eraseCitizenReplies(workflowIds: readonly string[]): Promise<number> {
      const { rowCount } = await pool.query('DELETE FROM citizen_replies WHERE workflow_id = ANY($1)', [workflowIds]);
      return rowCount ?? 0;
    },
  };
}

/** The citizen reply repository's methods. */
export type CitizenReplyRepository = ReturnType<typeof createCitizenReplyRepository>;
