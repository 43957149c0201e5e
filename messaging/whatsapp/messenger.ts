/**
 * The Messenger port on WhatsApp: the ATR and reminders as approved UTILITY templates (the only messages
 * allowed outside the 24-hour window), acknowledgements and the not-satisfied dialogue as free-form
 * messages inside the window the citizen's reply opened. Every send is recorded in outbound_messages
 * before and after the call, keyed by the activity's idempotency key, so a retried activity never sends
 * twice unless the process died between Meta's answer and our update (the one window that cannot close).
 * Meta's refusals are thrown as ChannelFaults (messaging/faults.ts) that say whose fault they are.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { createOutboundMessageRepository } from '../../db/repositories/outbound-messages';
import { createWebhookInboxRepository } from '../../db/repositories/webhook-inbox';
import type { CitizenMessage, Messenger } from '../model';
import type { Language } from '../../contracts/closure';
import { whatsappFault } from '../faults';
import { WORDING, messageText } from '../wording';
import { CloudApiError, type CloudApi } from './client';
import { ACK_TEMPLATES, BUTTON_INDEX, TEMPLATES, feedbackPayload, reasonRowId, toE164, type SendMessageRequest } from './protocol';

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
  const messages = createOutboundMessageRepository(pool);
  const inbox = createWebhookInboxRepository(pool);
  // Cached by the bytes' SHA-256, not the ATR id: an id reused by another closure must not find this upload.
  const mediaFor = async (_atrId: string, pdf: Uint8Array, fileName: string): Promise<string> => {
    const pdfSha256 = createHash('sha256').update(pdf).digest('hex');
    const stored = await messages.findMedia(pdfSha256, MEDIA_REUSE_DAYS);
    if (stored) return stored;
    const mediaId = await api.uploadMedia(pdf, fileName, 'application/pdf');
    await messages.saveMedia(pdfSha256, mediaId);
    return mediaId;
  };

  const pace = async (recipient: string): Promise<void> => {
    const wait = await messages.reserveSlot(recipient, pacing.minIntervalMs);
    if (wait > pacing.maxWaitMs) throw new Error(`pair rate: next slot for this number is ${Math.round(wait / 1000)} s away; retrying later`);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };

  return {
    async send({ idempotencyKey, workflowId, to, language, message }) {
      const previous = await messages.findSend(idempotencyKey);
      if (previous?.status === 'accepted' && previous.messageId) return { messageId: previous.messageId };
      if (previous?.status === 'sending') {
        // The last attempt may have reached Meta: find its message by our key in the status webhooks.
        const seen = await inbox.messageIdForCallback(idempotencyKey);
        if (seen) {
          await messages.markAcceptedFromStatus(idempotencyKey, seen);
          return { messageId: seen };
        }
        if ((previous.sinceAttemptMs ?? Infinity) < AMBIGUOUS_SEND_WAIT_MS) {
          throw new Error('the previous attempt may have been sent; waiting for its status before sending again');
        }
      }
      await messages.beginWhatsAppAttempt({ idempotencyKey, workflowId, purpose: message.kind, recipient: to, language });

      try {
        // Meta echoes biz_opaque_callback_data in status webhooks; our key there lets anyone match a send to its activity.
        const request = { ...(await buildRequest(to, language, workflowId, message, mediaFor)), biz_opaque_callback_data: idempotencyKey };
        if (message.kind === 'COMMENT_PROMPT') {
          // Before the send: the citizen may answer within a second, and the comment must find its grievance.
          await messages.awaitReply(to, workflowId, COMMENT_REPLY_WINDOW_HOURS);
        }
        await pace(to);
        await messages.markAttemptStarted(idempotencyKey);
        const { wamid } = await api.sendMessage(request);
        await messages.markAccepted(idempotencyKey, wamid, withoutLinkToken(request));
        return { messageId: wamid };
      } catch (err) {
        if (!(err instanceof CloudApiError)) throw err;
        // Meta answered (to the media upload or the send): this attempt certainly did not send. Timeouts and
        // network errors never get here; they stay 'sending' until the status webhook or the wait settles them.
        const fault = whatsappFault(err.code, err.details, { cause: err });
        const forGood = fault.faultClass === 'CITIZEN_UNREACHABLE';
        // A fault on our side is held, not final: the same key is tried again once it is fixed.
        await messages.markRefused(idempotencyKey, forGood ? 'failed' : 'retry', { code: err.code, details: err.details, httpStatus: err.httpStatus, faultClass: fault.faultClass });
        if (forGood && message.kind === 'COMMENT_PROMPT') await messages.cancelAwaitedReply(to, workflowId);
        throw fault;
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
  // The template's buttons in their approved order (protocol.ts ATR_BUTTONS): the link page, then the two answers.
  const buttons = (linkToken: string) => [
    { type: 'button' as const, sub_type: 'url' as const, index: String(BUTTON_INDEX.link), parameters: [{ type: 'text' as const, text: linkToken }] },
    { type: 'button' as const, sub_type: 'quick_reply' as const, index: String(BUTTON_INDEX.satisfied), parameters: [{ type: 'payload' as const, payload: feedbackPayload(workflowId, 'SATISFIED') }] },
    { type: 'button' as const, sub_type: 'quick_reply' as const, index: String(BUTTON_INDEX.notSatisfied), parameters: [{ type: 'payload' as const, payload: feedbackPayload(workflowId, 'NOT_SATISFIED') }] },
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
            ...buttons(message.linkToken),
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
          components: [{ type: 'body', parameters: [{ type: 'text', text: message.grievanceId }] }, ...buttons(message.linkToken)],
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
                rows: message.reasons.map((code) => ({
                  id: reasonRowId(workflowId, code),
                  title: wording.reasons[code].title,
                  description: wording.reasons[code].description.slice(0, 72),
                })),
              },
            ],
          },
        },
      };
    case 'ESCALATION_QUESTION':
      return template(base, TEMPLATES.escalationQuestion.name, language, [message.grievanceId, message.question]);
    case 'OFFICER_ALERT': {
      const { officerAlert } = wording;
      return template(base, TEMPLATES.officerEscalation.name, language, [
        officerAlert.what[message.alert],
        message.grievanceId,
        message.place,
        officerAlert.levels[message.level],
        message.due,
      ]);
    }
    case 'ACKNOWLEDGEMENT':
      if (message.outsideWindow) {
        // Free-form text outside the 24-hour window fails (131047): the approved template says the same.
        return template(base, TEMPLATES[ACK_TEMPLATES[message.ack]].name, language, ackValues(message, language));
      }
      return { ...base, type: 'text', text: { body: messageText(message, language), preview_url: false } };
    case 'COMMENT_PROMPT':
    case 'HELP':
    case 'AFTER_CLOSE':
      return { ...base, type: 'text', text: { body: messageText(message, language), preview_url: false } };
  }
}

/** The acknowledgement template's body values: the grievance number, and for ESCALATED the level it went to. */
function ackValues(message: Extract<CitizenMessage, { kind: 'ACKNOWLEDGEMENT' }>, language: Language): string[] {
  const level = message.ack === 'ESCALATED' && message.level ? [WORDING[language].levels[message.level]] : [];
  return [message.grievanceId, ...level];
}

/** The request as recorded: the link token is a capability, so only its hash is ever stored (atr_links). */
function withoutLinkToken(request: SendMessageRequest): SendMessageRequest {
  if (request.type !== 'template' || !request.template.components) return request;
  const components = request.template.components.map((c) =>
    c.type === 'button' && c.sub_type === 'url' ? { ...c, parameters: c.parameters.map(() => ({ type: 'text' as const, text: '(link token)' })) } : c,
  );
  return { ...request, template: { ...request.template, components } };
}

/** A template with body parameters only; Meta refuses new lines, tabs and long runs of spaces in a parameter. */
function template(base: Pick<SendMessageRequest, 'messaging_product' | 'recipient_type' | 'to'>, name: string, language: Language, values: string[]): SendMessageRequest {
  const parameters = values.map((v) => ({ type: 'text' as const, text: v.replace(/\s+/g, ' ').trim() }));
  return { ...base, type: 'template', template: { name, language: { code: language }, components: [{ type: 'body', parameters }] } };
}
