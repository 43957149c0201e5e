/**
 * Citizens' voice notes on PostgreSQL: the audio downloaded from Meta while its media id was valid, with its
 * type and SHA-256, linked to the closure and the message that carried it; or, when Meta refused it for good,
 * a row saying so and why. The only module that names voice_notes.
 */
import type { Pool } from 'pg';

/** A voice note downloaded and ready to keep. */
export interface NewVoiceNote {
  mediaId: string;
  workflowId: string;
  messageId: string;
  mimeType: string;
  sha256: string;
  audio: Uint8Array;
  receivedAt: Date;
}

/** A voice note's audio, as the officers' inbox plays it. */
export interface VoiceNoteAudio {
  mediaId: string;
  workflowId: string;
  mimeType: string;
  sha256: string;
  audio: Buffer;
}

/** Whether a voice note is held, and if not why. */
export type VoiceNoteRecord = { status: 'stored'; mimeType: string; sha256: string; byteLength: number } | { status: 'unavailable'; reason: string };

/** Creates the voice note repository on a pool. */
export function createVoiceNoteRepository(pool: Pool) {
  return {
    /** Keeps a downloaded voice note (once per media id; a repeat, or a note first recorded unavailable, is overwritten by the audio). */
    async saveVoiceNote(v: NewVoiceNote): Promise<void> {
      await pool.query(
        `INSERT INTO voice_notes (media_id, workflow_id, message_id, status, mime_type, sha256, byte_length, audio, received_at)
         VALUES ($1, $2, $3, 'stored', $4, $5, $6, $7, $8)
         ON CONFLICT (media_id) DO UPDATE SET status = 'stored', mime_type = EXCLUDED.mime_type, sha256 = EXCLUDED.sha256,
           byte_length = EXCLUDED.byte_length, audio = EXCLUDED.audio, unavailable_reason = NULL, stored_at = now()`,
        [v.mediaId, v.workflowId, v.messageId, v.mimeType, v.sha256, v.audio.byteLength, Buffer.from(v.audio), v.receivedAt],
      );
    },

    /** Records that a voice note cannot be had (Meta refused it for good), with the reason; never overwrites stored audio. */
    async markUnavailable(v: { mediaId: string; workflowId: string; messageId: string; reason: string; receivedAt: Date }): Promise<void> {
      await pool.query(
        `INSERT INTO voice_notes (media_id, workflow_id, message_id, status, unavailable_reason, received_at)
         VALUES ($1, $2, $3, 'unavailable', $4, $5) ON CONFLICT (media_id) DO NOTHING`,
        [v.mediaId, v.workflowId, v.messageId, v.reason, v.receivedAt],
      );
    },

    /** Whether this media id is already settled (stored or unavailable): a redelivered webhook downloads nothing twice. */
    async findVoiceNote(mediaId: string): Promise<VoiceNoteRecord | undefined> {
      const { rows } = await pool.query<{ status: 'stored' | 'unavailable'; mime_type: string; sha256: string; byte_length: number; unavailable_reason: string }>(
        'SELECT status, mime_type, sha256, byte_length, unavailable_reason FROM voice_notes WHERE media_id = $1',
        [mediaId],
      );
      const r = rows[0];
      if (!r) return undefined;
      return r.status === 'stored' ? { status: 'stored', mimeType: r.mime_type, sha256: r.sha256, byteLength: r.byte_length } : { status: 'unavailable', reason: r.unavailable_reason };
    },

    /**
     * The audio of a closure's voice note, for the officers' inbox: by workflow and media id (the escalation and
     * the feedback carry the media id), so an id alone never opens another closure's note. Undefined when it is
     * not held (never downloaded, unavailable, or erased).
     */
    async getVoiceNote({ workflowId, mediaId }: { workflowId: string; mediaId: string }): Promise<VoiceNoteAudio | undefined> {
      const { rows } = await pool.query<{ mime_type: string; sha256: string; audio: Buffer }>(
        `SELECT mime_type, sha256, audio FROM voice_notes WHERE workflow_id = $1 AND media_id = $2 AND status = 'stored' AND audio IS NOT NULL`,
        [workflowId, mediaId],
      );
      const r = rows[0];
      return r ? { mediaId, workflowId, mimeType: r.mime_type, sha256: r.sha256, audio: r.audio } : undefined;
    },

    /** Each of a closure's voice notes, without the audio (for `status`). */
    async voiceNotesOf(workflowId: string): Promise<({ mediaId: string; receivedAt: Date } & VoiceNoteRecord)[]> {
      const { rows } = await pool.query<{ media_id: string; received_at: Date; status: 'stored' | 'unavailable'; mime_type: string; sha256: string; byte_length: number; unavailable_reason: string }>(
        'SELECT media_id, received_at, status, mime_type, sha256, byte_length, unavailable_reason FROM voice_notes WHERE workflow_id = $1 ORDER BY received_at',
        [workflowId],
      );
      return rows.map((r) =>
        r.status === 'stored'
          ? { mediaId: r.media_id, receivedAt: r.received_at, status: 'stored' as const, mimeType: r.mime_type, sha256: r.sha256, byteLength: r.byte_length }
          : { mediaId: r.media_id, receivedAt: r.received_at, status: 'unavailable' as const, reason: r.unavailable_reason },
      );
    },

    /** Deletes these closures' voice notes, audio and all (erasure and retention). Returns how many. */
    async eraseVoiceNotes(workflowIds: readonly string[]): Promise<number> {
      const { rowCount } = await pool.query('DELETE FROM voice_notes WHERE workflow_id = ANY($1)', [workflowIds]);
      return rowCount ?? 0;
    },
  };
}

/** The voice note repository's methods. */
export type VoiceNoteRepository = ReturnType<typeof createVoiceNoteRepository>;
