/**
 * The WhatsApp Business Cloud API as this project uses it: request, response, error and webhook shapes
 * (from Meta's Cloud API reference), our message templates and button payloads. Whose fault each error
 * code is: messaging/faults.ts. Node-free and shared by our client, the webhook, the relay, the
 * simulator and the tests.
 */
import type { Language, Rating } from '../../contracts/closure';
import { WORDING, fill, type Wording } from '../wording';

/** The Graph API version we pin (configurable with WHATSAPP_API_VERSION). */
export const DEFAULT_GRAPH_VERSION = 'v25.0';

// ---------------------------------------------------------------------------------------------------
// Sending

/** A template parameter. */
export type TemplateParameter =
  | { type: 'text'; text: string }
  | { type: 'document'; document: { id?: string; link?: string; filename?: string } }
  | { type: 'payload'; payload: string };

/** A template component with its parameters. */
export type TemplateComponent =
  | { type: 'header'; parameters: TemplateParameter[] }
  | { type: 'body'; parameters: TemplateParameter[] }
  | { type: 'button'; sub_type: 'quick_reply'; index: string; parameters: { type: 'payload'; payload: string }[] };

/** A reply button of an interactive message. */
export interface ReplyButton {
  type: 'reply';
  reply: { id: string; title: string };
}

/** An interactive message (only inside the 24-hour customer service window). */
export type Interactive =
  | {
      type: 'button';
      header?: { type: 'text'; text: string };
      body: { text: string };
      footer?: { text: string };
      action: { buttons: ReplyButton[] };
    }
  | {
      type: 'list';
      header?: { type: 'text'; text: string };
      body: { text: string };
      footer?: { text: string };
      action: { button: string; sections: { title: string; rows: { id: string; title: string; description?: string }[] }[] };
    };

/** POST /{version}/{phone-number-id}/messages body. */
export type SendMessageRequest = {
  messaging_product: 'whatsapp';
  recipient_type?: 'individual';
  to: string;
  context?: { message_id: string };
  biz_opaque_callback_data?: string;
} & (
  | { type: 'template'; template: { name: string; language: { code: string }; components?: TemplateComponent[] } }
  | { type: 'interactive'; interactive: Interactive }
  | { type: 'text'; text: { body: string; preview_url?: boolean } }
);

/** 200 answer to a send: accepted, not yet delivered. */
export interface SendMessageResponse {
  messaging_product: 'whatsapp';
  contacts: { input: string; wa_id: string }[];
  messages: { id: string; message_status?: string }[];
}

/** POST /{version}/{phone-number-id}/media answer. */
export interface MediaUploadResponse {
  id: string;
}

/** Graph API error envelope (any non-2xx). */
export interface GraphErrorResponse {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product?: 'whatsapp'; details: string };
    fbtrace_id?: string;
  };
}

// ---------------------------------------------------------------------------------------------------
// Webhooks

/** The envelope of every `messages`-field webhook. */
export interface WebhookPayload {
  object: 'whatsapp_business_account';
  entry: {
    id: string;
    changes: { field: string; value: WebhookValue }[];
  }[];
}

/** One change: inbound messages, statuses of our messages, or account-level errors. */
export interface WebhookValue {
  messaging_product: 'whatsapp';
  metadata: { display_phone_number: string; phone_number_id: string };
  contacts?: { profile?: { name?: string }; wa_id: string }[];
  messages?: InboundMessage[];
  statuses?: StatusUpdate[];
  errors?: WebhookError[];
}

/** An error object in a status or an errors webhook. */
export interface WebhookError {
  code: number;
  title?: string;
  message?: string;
  error_data?: { details?: string };
  href?: string;
}

interface InboundBase {
  from: string;
  id: string;
  timestamp: string;
  /** Present when the user replied to (or tapped a button on) one of our messages: its wamid. */
  context?: { from?: string; id?: string; forwarded?: boolean; frequently_forwarded?: boolean };
}

/** A message a citizen sent us. Unknown types are kept as they are. */
export type InboundMessage = InboundBase &
  (
    | { type: 'text'; text: { body: string } }
    | { type: 'button'; button: { payload: string; text: string } }
    | { type: 'interactive'; interactive: { type: 'button_reply'; button_reply: { id: string; title: string } } }
    | { type: 'interactive'; interactive: { type: 'list_reply'; list_reply: { id: string; title: string; description?: string } } }
    | { type: 'audio'; audio: { id: string; mime_type: string; sha256?: string; voice?: boolean; url?: string } }
    | { type: 'image' | 'document' | 'video' | 'sticker' | 'location' | 'contacts' | 'reaction' | 'order' | 'system' | 'unsupported'; [key: string]: unknown }
  );

/** A delivery status of one of our messages. */
export interface StatusUpdate {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'played';
  timestamp: string;
  recipient_id: string;
  biz_opaque_callback_data?: string;
  conversation?: { id: string; origin?: { type: string } };
  pricing?: { billable?: boolean; pricing_model?: string; category?: string; type?: string };
  errors?: WebhookError[];
}

// ---------------------------------------------------------------------------------------------------
// Our templates and payloads

/** Templates we send outside the customer service window, each approved in Hindi and English (UTILITY). */
export const TEMPLATES = {
  /** Document header (the ATR), body {{1}} grievance number, {{2}} department; two quick replies. */
  atrDisposed: { name: 'sampark_atr_disposed_v1', bodyParameters: 2, header: 'document', quickReplies: 2 },
  /** Body {{1}} grievance number; two quick replies. */
  atrReminder: { name: 'sampark_atr_reminder_v1', bodyParameters: 1, header: 'none', quickReplies: 2 },
} as const;

/**
 * Which of our messages each template carries. Meta numbers a template's parameters where our wording
 * names them; the numbers follow the order of the body parameters the messenger sends.
 */
const TEMPLATE_WORDING = {
  atrDisposed: { message: 'atr', parameters: { id: '{{1}}', department: '{{2}}' } },
  atrReminder: { message: 'reminder', parameters: { id: '{{1}}' } },
} as const;

/**
 * The approved wording of each template, as Meta holds it (the simulator shows it; the relay knows the
 * buttons' texts): our messages' wording with Meta's numbered parameters.
 */
export const TEMPLATE_TEXT: Record<string, Record<Language, { body: string; buttons: [string, string] }>> = Object.fromEntries(
  (Object.keys(TEMPLATES) as (keyof typeof TEMPLATES)[]).map((key) => {
    const { message, parameters } = TEMPLATE_WORDING[key];
    const inLanguage = ({ messages, ratings }: Wording) => ({ body: fill(messages[message], parameters), buttons: [ratings.SATISFIED, ratings.NOT_SATISFIED] as [string, string] });
    return [TEMPLATES[key].name, { hi: inLanguage(WORDING.hi), en: inLanguage(WORDING.en) }];
  }),
);

/** Quick-reply payload: routes the tap to its workflow even without context. `FB|<workflowId>|<rating>`. */
export function feedbackPayload(workflowId: string, rating: Rating): string {
  return `FB|${workflowId}|${rating}`;
}

/** List-row id for a reason: `REASON|<workflowId>|<code>`. */
export function reasonRowId(workflowId: string, code: string): string {
  return `REASON|${workflowId}|${code}`;
}

/** Parses our own payloads and row ids; undefined for anything else. */
export function parsePayload(payload: string): { kind: 'FB' | 'REASON'; workflowId: string; value: string } | undefined {
  const m = /^(FB|REASON)\|(atr-[A-Za-z0-9_-]+-c\d+)\|([A-Z_]+)$/.exec(payload);
  return m ? { kind: m[1] as 'FB' | 'REASON', workflowId: m[2]!, value: m[3]! } : undefined;
}

/** The recipient as Meta's `to` wants it: E.164 with the +. */
export function toE164(phone: string): string {
  return phone.startsWith('+') ? phone : `+${phone}`;
}

/** A wa_id or `from` (digits only) compared with our E.164 number. */
export function sameNumber(waId: string, e164: string): boolean {
  return waId.replace(/\D/g, '') === e164.replace(/\D/g, '');
}
