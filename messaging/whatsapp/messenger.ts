/**
 * The Messenger port on WhatsApp: the ATR and reminders as approved UTILITY templates (the only messages
 * allowed outside the 24-hour window), acknowledgements and the not-satisfied dialogue as free-form
 * messages inside the window the citizen's reply opened. Every send is recorded in outbound_messages
 * before and after the call, keyed by the activity's idempotency key, so a retried activity never sends
 * twice unless the process died between Meta's answer and our update (the one window that cannot close).
 */
import type { Pool } from 'pg';
import type { CitizenMessage, Messenger } from '../model';
import { FEEDBACK_REASONS, type Language } from '../../contracts/closure';
import { FAILURES } from '../../contracts/workflow';
import { PermanentError } from '../../lib/errors';
import { WORDING, messageText } from '../wording';
import { CloudApiError, type CloudApi } from './client';
import { TEMPLATES, feedbackPayload, reasonRowId, toE164, type SendMessageRequest } from './protocol';

/** Pair-rate pacing: Meta allows one message every 6 s to the same number. */
export interface PacingOptions {
  minIntervalMs: number;
  /** Longer waits give the slot back to Temporal's retry instead of holding an activity slot. */
  maxWaitMs: number;
}

/** What the WhatsApp messenger needs. */
export interface WhatsAppMessengerOptions {
  pool: Pool;
  api: CloudApi;
  pacing: PacingOptions;
}

/** How long an uploaded media id stays usable: Meta keeps uploads 30 days; re-upload a day early. */
const MEDIA_REUSE_DAYS = 29;
/** How long a citizen's plain-text reply counts as the comment we asked for. */
const COMMENT_REPLY_WINDOW_HOURS = 24;
/**
 * After an attempt whose outcome is unknown (it timed out, or the worker died mid-call), wait this long for
 * Meta's status webhook — which echoes our key — before concluding the message never left and sending again.
 */
const AMBIGUOUS_SEND_WAIT_MS = 30_000;

/** Creates the WhatsApp messenger. */
export function createWhatsAppMessenger({ pool, api, pacing }: WhatsAppMessengerOptions): Messenger {
  const mediaFor = async (atrId: string, pdf: Uint8Array, fileName: string): Promise<string> => {
    const { rows } = await pool.query<{ media_id: string }>(
      `SELECT media_id FROM whatsapp_media WHERE atr_id = $1 AND uploaded_at > now() - make_interval(days => $2)`,
      [atrId, MEDIA_REUSE_DAYS],
    );
    if (rows[0]) return rows[0].media_id;
    const mediaId = await api.uploadMedia(pdf, fileName, 'application/pdf');
    await pool.query(
      `INSERT INTO whatsapp_media (atr_id, media_id) VALUES ($1, $2)
       ON CONFLICT (atr_id) DO UPDATE SET media_id = EXCLUDED.media_id, uploaded_at = now()`,
      [atrId, mediaId],
    );
    return mediaId;
  };

  const pace = async (recipient: string): Promise<void> => {
    const { rows } = await pool.query<{ wait_ms: number }>(
      `INSERT INTO recipient_pacing (recipient, next_at) VALUES ($1, now() + make_interval(secs => $2::float8 / 1000))
       ON CONFLICT (recipient) DO UPDATE
         SET next_at = GREATEST(recipient_pacing.next_at, now()) + make_interval(secs => $2::float8 / 1000)
       RETURNING GREATEST(0, EXTRACT(EPOCH FROM (next_at - now())) * 1000 - $2)::float8 AS wait_ms`,
      [recipient, pacing.minIntervalMs],
    );
    const wait = rows[0]!.wait_ms;
    if (wait > pacing.maxWaitMs) throw new Error(`pair rate: next slot for this number is ${Math.round(wait / 1000)} s away; retrying later`);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };

  return {
    async send({ idempotencyKey, workflowId, to, language, message }) {
      const { rows } = await pool.query<{ status: string; message_id: string | null; since_ms: number | null }>(
        `SELECT status, message_id, (EXTRACT(EPOCH FROM (now() - attempt_started_at)) * 1000)::float8 AS since_ms
           FROM outbound_messages WHERE idempotency_key = $1`,
        [idempotencyKey],
      );
      const previous = rows[0];
      if (previous?.status === 'accepted' && previous.message_id) return { messageId: previous.message_id };
      if (previous?.status === 'sending') {
        // The last attempt may have reached Meta: find its message by our key in the status webhooks.
        const { rows: seen } = await pool.query<{ wamid: string }>('SELECT wamid FROM message_statuses WHERE callback_data = $1 LIMIT 1', [idempotencyKey]);
        if (seen[0]) {
          await pool.query(`UPDATE outbound_messages SET status = 'accepted', message_id = $2, updated_at = now() WHERE idempotency_key = $1`, [idempotencyKey, seen[0].wamid]);
          return { messageId: seen[0].wamid };
        }
        if ((previous.since_ms ?? Infinity) < AMBIGUOUS_SEND_WAIT_MS) {
          throw new Error('the previous attempt may have been sent; waiting for its status before sending again');
        }
      }
      await pool.query(
        `INSERT INTO outbound_messages (idempotency_key, workflow_id, channel, purpose, recipient, language, body, status, attempt_started_at)
         VALUES ($1, $2, 'whatsapp', $3, $4, $5, '{}', 'sending', now())
         ON CONFLICT (idempotency_key) DO UPDATE
           SET status = 'sending', attempts = outbound_messages.attempts + 1, attempt_started_at = now(), updated_at = now()`,
        [idempotencyKey, workflowId, message.kind, to, language],
      );

      // Meta echoes biz_opaque_callback_data in status webhooks; our key there lets anyone match a send to its activity.
      const request = { ...(await buildRequest(to, language, workflowId, message, mediaFor)), biz_opaque_callback_data: idempotencyKey };
      if (message.kind === 'COMMENT_PROMPT') {
        // Before the send: the citizen may answer within a second, and the comment must find its grievance.
        await pool.query(
          `INSERT INTO awaited_replies (recipient, workflow_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))
           ON CONFLICT (recipient, workflow_id) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
          [to, workflowId, COMMENT_REPLY_WINDOW_HOURS],
        );
      }
      await pace(to);
      await pool.query('UPDATE outbound_messages SET attempt_started_at = now() WHERE idempotency_key = $1', [idempotencyKey]);
      try {
        const { wamid } = await api.sendMessage(request);
        await pool.query(
          `UPDATE outbound_messages SET status = 'accepted', message_id = $2, body = $3, error = NULL, updated_at = now() WHERE idempotency_key = $1`,
          [idempotencyKey, wamid, request],
        );
        return { messageId: wamid };
      } catch (err) {
        if (!(err instanceof CloudApiError)) throw err;
        const permanent = err.handling === 'undeliverable' || err.handling === 'needs_template' || err.handling === 'permanent';
        // Meta answered: this attempt certainly did not send (timeouts and network errors never get here).
        await pool.query(`UPDATE outbound_messages SET status = $2, error = $3, updated_at = now() WHERE idempotency_key = $1`, [
          idempotencyKey,
          permanent ? 'failed' : 'retry',
          { code: err.code, details: err.details, httpStatus: err.httpStatus },
        ]);
        if (permanent && message.kind === 'COMMENT_PROMPT') {
          await pool.query('DELETE FROM awaited_replies WHERE recipient = $1 AND workflow_id = $2', [to, workflowId]);
        }
        if (err.handling === 'undeliverable') throw new PermanentError(FAILURES.undeliverable, `WhatsApp ${err.code}: ${err.details}`, { code: err.code });
        if (permanent) throw new PermanentError(FAILURES.messagingRejected, `WhatsApp ${err.code}: ${err.details}`, { code: err.code });
        throw new Error(`WhatsApp ${err.code} (${err.handling}): ${err.details}; will retry`, { cause: err });
      }
    },
  };
}

async function buildRequest(
  to: string,
  language: Language,
  workflowId: string,
  message: CitizenMessage,
  mediaFor: (atrId: string, pdf: Uint8Array, fileName: string) => Promise<string>,
): Promise<SendMessageRequest> {
  const wording = WORDING[language];
  const base = { messaging_product: 'whatsapp' as const, recipient_type: 'individual' as const, to: toE164(to) };
  const quickReplies = [
    { type: 'button' as const, sub_type: 'quick_reply' as const, index: '0', parameters: [{ type: 'payload' as const, payload: feedbackPayload(workflowId, 'SATISFIED') }] },
    { type: 'button' as const, sub_type: 'quick_reply' as const, index: '1', parameters: [{ type: 'payload' as const, payload: feedbackPayload(workflowId, 'NOT_SATISFIED') }] },
  ];
  switch (message.kind) {
    case 'ATR': {
      const mediaId = await mediaFor(message.atrId, message.pdf, message.fileName);
      return {
        ...base,
        type: 'template',
        template: {
          name: TEMPLATES.atrDisposed.name,
          language: { code: language },
          components: [
            { type: 'header', parameters: [{ type: 'document', document: { id: mediaId, filename: message.fileName } }] },
            { type: 'body', parameters: [{ type: 'text', text: message.grievanceId }, { type: 'text', text: message.departmentName }] },
            ...quickReplies,
          ],
        },
      };
    }
    case 'REMINDER':
      return {
        ...base,
        type: 'template',
        template: {
          name: TEMPLATES.atrReminder.name,
          language: { code: language },
          components: [{ type: 'body', parameters: [{ type: 'text', text: message.grievanceId }] }, ...quickReplies],
        },
      };
    case 'REASON_LIST':
      return {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: messageText(message, language) },
          action: {
            button: wording.messages.reasonList.button,
            sections: [
              {
                title: wording.messages.reasonList.section,
                rows: (Object.keys(FEEDBACK_REASONS) as (keyof typeof FEEDBACK_REASONS)[]).map((code) => ({
                  id: reasonRowId(workflowId, code),
                  title: wording.reasons[code].title,
                  description: wording.reasons[code].description.slice(0, 72),
                })),
              },
            ],
          },
        },
      };
    case 'ACKNOWLEDGEMENT':
    case 'COMMENT_PROMPT':
      return { ...base, type: 'text', text: { body: messageText(message, language), preview_url: false } };
  }
}
