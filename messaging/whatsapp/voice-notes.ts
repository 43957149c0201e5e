/**
 * Keeps a citizen's voice note: Meta's media id lives about 7 days, so the relay downloads the audio as soon
 * as the message is routed, before it signals the workflow, and stores it in PostgreSQL (voice_notes). Why the
 * relay and not an activity: it already retries its inbox rows with backoff while a call fails, it runs the
 * moment the webhook is stored, and the audio (personal data, up to 16 MB) never passes through Temporal's
 * history; the workflow keeps only the media id, which now names stored audio.
 */
import { createHash } from 'node:crypto';
import type { VoiceNoteRepository } from '../../db/repositories/voice-notes';
import { CloudApiError, type CloudApi } from './client';

/** A voice note to keep, as the relay found it. */
export interface VoiceNoteToKeep {
  mediaId: string;
  workflowId: string;
  messageId: string;
  receivedAt: Date;
  /** Relay attempts on this message so far, this one included. */
  attempts: number;
}

/** What became of it: stored, already held, or unavailable for good (with the reason). */
export type KeptVoiceNote = { kept: 'stored' | 'held' } | { kept: 'unavailable'; reason: string };

/**
 * Relay attempts before a note that keeps failing is given up as unavailable and the comment goes on without
 * it: the backoff makes that about four minutes, and the citizen's dialogue waits for the signal meanwhile.
 */
export const MAX_DOWNLOAD_ATTEMPTS = 7;

/**
 * A refusal that retrying cannot change: a 4xx about this media (unknown or expired id, a URL gone), not a
 * rate limit and not our channel's credentials or account (those heal, and hold like any fault on our side).
 */
function permanent(err: unknown): err is CloudApiError {
  return err instanceof CloudApiError && err.httpStatus >= 400 && err.httpStatus < 500 && err.httpStatus !== 429 && err.fault.scope !== 'channel';
}

/** Creates the keeper over the Cloud API and the voice note repository. */
export function createVoiceNoteKeeper({ api, notes }: { api: CloudApi; notes: Pick<VoiceNoteRepository, 'findVoiceNote' | 'saveVoiceNote' | 'markUnavailable'> }) {
  return {
    /** Downloads and stores the note once; throws (the relay retries the row) on a failure that may heal. */
    async keep(v: VoiceNoteToKeep): Promise<KeptVoiceNote> {
      const known = await notes.findVoiceNote(v.mediaId);
      if (known?.status === 'stored') return { kept: 'held' };
      if (known) return { kept: 'unavailable', reason: known.reason };
      const ref = { mediaId: v.mediaId, workflowId: v.workflowId, messageId: v.messageId, receivedAt: v.receivedAt };
      try {
        const media = await api.downloadMedia(v.mediaId);
        const sha256 = createHash('sha256').update(media.bytes).digest('hex');
        if (media.sha256 && media.sha256 !== sha256) throw new Error('downloaded voice note does not match its SHA-256');
        await notes.saveVoiceNote({ ...ref, mimeType: media.mimeType, sha256, audio: media.bytes });
        return { kept: 'stored' };
      } catch (err) {
        const reason = permanent(err)
          ? `Meta refused the media: ${err.message}`
          : v.attempts >= MAX_DOWNLOAD_ATTEMPTS
            ? `download failed ${v.attempts} times: ${(err as Error).message}`
            : undefined;
        if (!reason) throw err;
        await notes.markUnavailable({ ...ref, reason: reason.slice(0, 300) });
        return { kept: 'unavailable', reason };
      }
    },
  };
}

/** The keeper's methods. */
export type VoiceNoteKeeper = ReturnType<typeof createVoiceNoteKeeper>;
