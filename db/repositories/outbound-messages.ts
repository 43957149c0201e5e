/**
 * Messages to citizens on PostgreSQL: every send keyed by its activity's idempotency key (outbound_messages),
 * the WhatsApp media uploaded for each ATR document (by its SHA-256), the per-number pacing slots, and the replies we are waiting
 * for. The only module that names outbound_messages, whatsapp_media, recipient_pacing and awaited_replies.
 */
import type { Pool } from 'pg';
import type { Language } from '../../contracts/closure';

/** Where a send stands: 'sending' (under way or ended unknown), 'retry' (Meta said no), 'accepted', 'failed'. */
export type SendState = 'sending' | 'retry' | 'accepted' | 'failed';

/** A send as recorded before its (next) attempt. */
export interface RecordedSend {
  status: SendState;
  messageId: string | null;
  /** Milliseconds since the last attempt started, or null if none is recorded. */
  sinceAttemptMs: number | null;
}

/** What is known of a send before the channel is called. */
export interface SendAttempt {
  idempotencyKey: string;
  workflowId: string;
  /** The message kind (ATR, REMINDER, ...). */
  purpose: string;
  recipient: string;
  language: Language;
}

/** One of our messages, found by the channel's message id. */
export interface OurMessage {
  workflowId: string;
  purpose: string;
  idempotencyKey: string;
}

/** The purpose recorded for the SMS that carries the ATR link. */
export const SMS_ATR_LINK = 'SMS_ATR_LINK';

/** Creates the outbound message repository on a pool. */
export function createOutboundMessageRepository(pool: Pool) {
  return {
    /**
     * Records a message the outbox delivers itself; the same key always yields the first message id.
     * Returns the recorded message id.
     */
    async recordOutboxMessage(entry: SendAttempt & { messageId: string; body: unknown }): Promise<string> {
      const { rows } = await pool.query<{ message_id: string }>(
        `INSERT INTO outbound_messages (idempotency_key, message_id, workflow_id, channel, purpose, recipient, language, body)
         VALUES ($1, $2, $3, 'outbox', $4, $5, $6, $7)
         ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
         RETURNING message_id`,
        [entry.idempotencyKey, entry.messageId, entry.workflowId, entry.purpose, entry.recipient, entry.language, entry.body],
      );
      return rows[0]!.message_id;
    },

    /**
     * Records an SMS the gateway accepted (the ATR link, an acknowledgement), keyed by the gateway reference we
     * gave it; a retried activity records it once.
     */
    async recordSmsSend(entry: SendAttempt & { messageId: string }): Promise<void> {
      await pool.query(
        `INSERT INTO outbound_messages (idempotency_key, message_id, workflow_id, channel, purpose, recipient, language, body)
         VALUES ($1, $2, $3, 'sms', $4, $5, $6, '{}'::jsonb) ON CONFLICT DO NOTHING`,
        [entry.idempotencyKey, entry.messageId, entry.workflowId, entry.purpose, entry.recipient, entry.language],
      );
    },

    /** Whether this closure's ATR link went by SMS: its citizen is on SMS. */
    async smsLinkSentFor(workflowId: string): Promise<boolean> {
      const { rows } = await pool.query("SELECT 1 FROM outbound_messages WHERE workflow_id = $1 AND channel = 'sms' AND purpose = $2 LIMIT 1", [workflowId, SMS_ATR_LINK]);
      return rows.length > 0;
    },

    async findSend(idempotencyKey: string): Promise<RecordedSend | undefined> {
      const { rows } = await pool.query<{ status: SendState; message_id: string | null; since_ms: number | null }>(
        `SELECT status, message_id, (EXTRACT(EPOCH FROM (now() - attempt_started_at)) * 1000)::float8 AS since_ms
           FROM outbound_messages WHERE idempotency_key = $1`,
        [idempotencyKey],
      );
      const row = rows[0];
      return row ? { status: row.status, messageId: row.message_id, sinceAttemptMs: row.since_ms } : undefined;
    },

    /** Records a WhatsApp attempt as 'sending' (a new row, or the next attempt of a recorded one). */
    async beginWhatsAppAttempt({ idempotencyKey, workflowId, purpose, recipient, language }: SendAttempt): Promise<void> {
      await pool.query(
        `INSERT INTO outbound_messages (idempotency_key, workflow_id, channel, purpose, recipient, language, body, status, attempt_started_at)
         VALUES ($1, $2, 'whatsapp', $3, $4, $5, '{}', 'sending', now())
         ON CONFLICT (idempotency_key) DO UPDATE
           SET status = 'sending', attempts = outbound_messages.attempts + 1, attempt_started_at = now(), updated_at = now()`,
        [idempotencyKey, workflowId, purpose, recipient, language],
      );
    },

    /** Restarts the attempt's clock: the call to the channel starts now (after pacing). */
    async markAttemptStarted(idempotencyKey: string): Promise<void> {
      await pool.query('UPDATE outbound_messages SET attempt_started_at = now() WHERE idempotency_key = $1', [idempotencyKey]);
    },

    /** The channel accepted the attempt: its message id and the request that was sent. */
    async markAccepted(idempotencyKey: string, messageId: string, request: unknown): Promise<void> {
      await pool.query(
        `UPDATE outbound_messages SET status = 'accepted', message_id = $2, body = $3, error = NULL, updated_at = now() WHERE idempotency_key = $1`,
        [idempotencyKey, messageId, request],
      );
    },

    /** An attempt of unknown outcome was found accepted, by our key echoed in a status webhook. */
    async markAcceptedFromStatus(idempotencyKey: string, messageId: string): Promise<void> {
      await pool.query(`UPDATE outbound_messages SET status = 'accepted', message_id = $2, updated_at = now() WHERE idempotency_key = $1`, [
        idempotencyKey,
        messageId,
      ]);
    },

    /** The channel refused the attempt: for good ('failed') or for now ('retry'). */
    async markRefused(idempotencyKey: string, status: 'failed' | 'retry', error: unknown): Promise<void> {
      await pool.query(`UPDATE outbound_messages SET status = $2, error = $3, updated_at = now() WHERE idempotency_key = $1`, [idempotencyKey, status, error]);
    },

    /** The message with this channel message id, if we sent it. */
    async findByMessageId(messageId: string): Promise<OurMessage | undefined> {
      const { rows } = await pool.query<{ workflow_id: string; purpose: string; idempotency_key: string }>(
        'SELECT workflow_id, purpose, idempotency_key FROM outbound_messages WHERE message_id = $1',
        [messageId],
      );
      return rows[0] ? { workflowId: rows[0].workflow_id, purpose: rows[0].purpose, idempotencyKey: rows[0].idempotency_key } : undefined;
    },

    /** Whether a send with this key is recorded but not (yet) accepted. */
    async isUnsettled(idempotencyKey: string): Promise<boolean> {
      const { rows } = await pool.query("SELECT 1 FROM outbound_messages WHERE idempotency_key = $1 AND status IN ('sending', 'retry')", [idempotencyKey]);
      return rows.length > 0;
    },

    /**
     * A media id uploaded from exactly these bytes (the PDF's SHA-256) no older than maxAgeDays, if any. Keyed by
     * content, not by ATR id: a reused ATR id can never be answered with another document's media.
     */
    async findMedia(pdfSha256: string, maxAgeDays: number): Promise<string | undefined> {
      const { rows } = await pool.query<{ media_id: string }>(
        `SELECT media_id FROM whatsapp_media WHERE pdf_sha256 = $1 AND uploaded_at > now() - make_interval(days => $2)`,
        [pdfSha256, maxAgeDays],
      );
      return rows[0]?.media_id;
    },

    async saveMedia(pdfSha256: string, mediaId: string): Promise<void> {
      await pool.query(
        `INSERT INTO whatsapp_media (pdf_sha256, media_id) VALUES ($1, $2)
         ON CONFLICT (pdf_sha256) DO UPDATE SET media_id = EXCLUDED.media_id, uploaded_at = now()`,
        [pdfSha256, mediaId],
      );
    },

    /**
     * Takes this number's next send slot, minIntervalMs after its last one (or now), across every worker.
     * Returns how long to wait for the slot, in milliseconds (0: now).
     */
    async reserveSlot(recipient: string, minIntervalMs: number): Promise<number> {
      const { rows } = await pool.query<{ wait_ms: number }>(
        `INSERT INTO recipient_pacing (recipient, next_at) VALUES ($1, now() + make_interval(secs => $2::float8 / 1000))
         ON CONFLICT (recipient) DO UPDATE
           SET next_at = GREATEST(recipient_pacing.next_at, now()) + make_interval(secs => $2::float8 / 1000)
         RETURNING GREATEST(0, EXTRACT(EPOCH FROM (next_at - now())) * 1000 - $2)::float8 AS wait_ms`,
        [recipient, minIntervalMs],
      );
      return rows[0]!.wait_ms;
    },

    /** We asked this number for a reply on this workflow, for the next `hours`. */
    async awaitReply(recipient: string, workflowId: string, hours: number): Promise<void> {
      await pool.query(
        `INSERT INTO awaited_replies (recipient, workflow_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))
         ON CONFLICT (recipient, workflow_id) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
        [recipient, workflowId, hours],
      );
    },

    async cancelAwaitedReply(recipient: string, workflowId: string): Promise<void> {
      await pool.query('DELETE FROM awaited_replies WHERE recipient = $1 AND workflow_id = $2', [recipient, workflowId]);
    },

    /** The workflows still awaiting a reply from this number (digits compared, so +91 and 91 match). */
    async workflowsAwaitingReply(from: string): Promise<string[]> {
      const { rows } = await pool.query<{ workflow_id: string }>(
        `SELECT workflow_id FROM awaited_replies WHERE regexp_replace(recipient, '\\D', '', 'g') = regexp_replace($1, '\\D', '', 'g') AND expires_at > now()`,
        [from],
      );
      return rows.map((r) => r.workflow_id);
    },

    /**
     * Erases what these closures' messages say and to whom: recipient, body and the channel's error text (the
     * rows, purposes, channels and states stay for the report). Their replies awaited and the pacing slots of
     * their numbers go too. Returns the counts and the messages' channel ids (the citizen's replies quote them).
     */
    async eraseMessages(workflowIds: readonly string[]): Promise<{ messages: number; awaitedReplies: number; pacingSlots: number; messageIds: string[] }> {
      const { rows } = await pool.query<{ messages: number; awaited: number; pacing: number; message_ids: string[] | null }>(
        `WITH sent AS (
           SELECT idempotency_key, recipient, message_id FROM outbound_messages WHERE workflow_id = ANY($1)
         ), erased AS (
           UPDATE outbound_messages o SET recipient = NULL, body = '{}', error = NULL
             FROM sent WHERE o.idempotency_key = sent.idempotency_key AND (o.recipient IS NOT NULL OR o.body <> '{}' OR o.error IS NOT NULL)
           RETURNING 1
         ), awaited AS (
           DELETE FROM awaited_replies WHERE workflow_id = ANY($1) RETURNING 1
         ), pacing AS (
           DELETE FROM recipient_pacing WHERE recipient IN (SELECT recipient FROM sent WHERE recipient IS NOT NULL) RETURNING 1
         )
         SELECT (SELECT count(*) FROM erased)::int AS messages, (SELECT count(*) FROM awaited)::int AS awaited,
                (SELECT count(*) FROM pacing)::int AS pacing,
                (SELECT array_agg(message_id) FROM sent WHERE message_id IS NOT NULL) AS message_ids`,
        [workflowIds],
      );
      const r = rows[0]!;
      return { messages: r.messages, awaitedReplies: r.awaited, pacingSlots: r.pacing, messageIds: r.message_ids ?? [] };
    },

    /** Forgets the media ids uploaded from these PDFs (the upload holds the citizen's name). */
    async deleteMedia(pdfSha256s: readonly string[]): Promise<number> {
      const { rowCount } = await pool.query('DELETE FROM whatsapp_media WHERE pdf_sha256 = ANY($1)', [pdfSha256s]);
      return rowCount ?? 0;
    },

    /**
     * Deletes up to `limit` rows of each kind that no longer serve: media ids older than `mediaDays` (Meta has
     * dropped the upload), pacing slots over an hour past, replies awaited past their expiry.
     */
    async purgeStaleSends(mediaDays: number, limit: number): Promise<{ media: number; pacingSlots: number; awaitedReplies: number }> {
      const { rows } = await pool.query<{ media: number; pacing: number; awaited: number }>(
        `WITH media AS (
           DELETE FROM whatsapp_media WHERE pdf_sha256 IN (
             SELECT pdf_sha256 FROM whatsapp_media WHERE uploaded_at < now() - make_interval(days => $1) LIMIT $2) RETURNING 1
         ), pacing AS (
           DELETE FROM recipient_pacing WHERE recipient IN (
             SELECT recipient FROM recipient_pacing WHERE next_at < now() - interval '1 hour' LIMIT $2) RETURNING 1
         ), awaited AS (
           DELETE FROM awaited_replies WHERE (recipient, workflow_id) IN (
             SELECT recipient, workflow_id FROM awaited_replies WHERE expires_at < now() LIMIT $2) RETURNING 1
         )
         SELECT (SELECT count(*) FROM media)::int AS media, (SELECT count(*) FROM pacing)::int AS pacing, (SELECT count(*) FROM awaited)::int AS awaited`,
        [mediaDays, limit],
      );
      const r = rows[0]!;
      return { media: r.media, pacingSlots: r.pacing, awaitedReplies: r.awaited };
    },
  };
}

/** The outbound message repository's methods. */
export type OutboundMessageRepository = ReturnType<typeof createOutboundMessageRepository>;
