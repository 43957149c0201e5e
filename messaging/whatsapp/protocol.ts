/**
 * The WhatsApp Business Cloud API as this project uses it: request, response, error and webhook shapes
 * (from Meta's Cloud API reference), our message templates and button payloads. Whose fault each error
 * code is: messaging/faults.ts. Node-free and shared by our client, the webhook, the relay, the
 * simulator and the tests.
 */
import type { Language, Rating } from '../../contracts/closure';
import type { Acknowledgement } from '../../contracts/workflow';
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
  | { type: 'button'; sub_type: 'quick_reply'; index: string; parameters: { type: 'payload'; payload: string }[] }
  /** A URL button's dynamic suffix: the template holds the URL up to {{1}}, the send gives what follows. */
  | { type: 'button'; sub_type: 'url'; index: string; parameters: { type: 'text'; text: string }[] };

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

/** GET /{version}/{media-id} answer: a download URL valid for 5 minutes, fetched with the same bearer token. */
export interface MediaInfoResponse {
  messaging_product: 'whatsapp';
  url: string;
  mime_type: string;
  sha256?: string;
  file_size?: number;
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

/**
 * A template's buttons in their approved order (a send's `index` is the position here): first the URL button
 * "View ATR" to the citizen's link page (`/atr/{{1}}` under the public base URL; the send gives the token), then
 * the two quick replies.
 */
const ATR_BUTTONS = ['url', 'quick_reply', 'quick_reply'] as const;
/** The acknowledgement templates have no buttons. */
const NO_BUTTONS: readonly TemplateButtonKind[] = [];
/** A template button's kind, as Meta names its sub_type. */
export type TemplateButtonKind = (typeof ATR_BUTTONS)[number];
/** Where the URL button points, after PUBLIC_BASE_URL: approved with the template, so only the token varies. */
export const ATR_LINK_URL_PATH = '/atr/{{1}}';

/** Templates we send outside the customer service window, each approved in Hindi and English (UTILITY). */
export const TEMPLATES = {
  /** Document header (the ATR), body {{1}} grievance number, {{2}} department; the link button and two quick replies. */
  atrDisposed: { name: 'sampark_atr_disposed_v2', bodyParameters: 2, header: 'document', buttons: ATR_BUTTONS },
  /** Body {{1}} grievance number; the link button and two quick replies. */
  atrReminder: { name: 'sampark_atr_reminder_v2', bodyParameters: 1, header: 'none', buttons: ATR_BUTTONS },
  /** Acknowledgements when the citizen last wrote more than 24 hours ago (helpline, link page, late feedback): body {{1}} grievance number. */
  ackSatisfied: { name: 'sampark_atr_ack_satisfied_v1', bodyParameters: 1, header: 'none', buttons: NO_BUTTONS },
  /** Body {{1}} grievance number, {{2}} the level it went to. */
  ackEscalated: { name: 'sampark_atr_ack_escalated_v1', bodyParameters: 2, header: 'none', buttons: NO_BUTTONS },
  ackLate: { name: 'sampark_atr_ack_late_v1', bodyParameters: 1, header: 'none', buttons: NO_BUTTONS },
  ackAlreadyRecorded: { name: 'sampark_atr_ack_already_recorded_v1', bodyParameters: 1, header: 'none', buttons: NO_BUTTONS },
  /** An officer's question to the citizen: body {{1}} grievance number, {{2}} the question; the citizen replies in the chat. */
  escalationQuestion: { name: 'sampark_escalation_question_v1', bodyParameters: 2, header: 'none', buttons: NO_BUTTONS },
  /** To an officer: body {{1}} why, {{2}} grievance number, {{3}} department and district, {{4}} level, {{5}} act by. */
  officerEscalation: { name: 'sampark_officer_escalation_v1', bodyParameters: 5, header: 'none', buttons: NO_BUTTONS },
} as const;

/** The position of each button in our ATR templates (ATR_BUTTONS). */
export const BUTTON_INDEX = { link: 0, satisfied: 1, notSatisfied: 2 } as const;

/** The acknowledgement template of each acknowledgement. */
export const ACK_TEMPLATES: Record<Acknowledgement, keyof typeof TEMPLATES> = {
  SATISFIED: 'ackSatisfied',
  ESCALATED: 'ackEscalated',
  LATE: 'ackLate',
  ALREADY_RECORDED: 'ackAlreadyRecorded',
};

/**
 * Which of our messages each template carries. Meta numbers a template's parameters where our wording
 * names them; the numbers follow the order of the body parameters the messenger sends.
 */
const TEMPLATE_WORDING: Record<keyof typeof TEMPLATES, { phrase: (w: Wording) => string; parameters: Record<string, string> }> = {
  atrDisposed: { phrase: (w) => w.messages.atr, parameters: { id: '{{1}}', department: '{{2}}' } },
  atrReminder: { phrase: (w) => w.messages.reminder, parameters: { id: '{{1}}' } },
  ackSatisfied: { phrase: (w) => w.messages.acknowledgements.SATISFIED, parameters: { id: '{{1}}' } },
  ackEscalated: { phrase: (w) => w.messages.acknowledgements.ESCALATED, parameters: { id: '{{1}}', level: '{{2}}' } },
  ackLate: { phrase: (w) => w.messages.acknowledgements.LATE, parameters: { id: '{{1}}' } },
  ackAlreadyRecorded: { phrase: (w) => w.messages.acknowledgements.ALREADY_RECORDED, parameters: { id: '{{1}}' } },
  escalationQuestion: { phrase: (w) => w.messages.escalationQuestion, parameters: { id: '{{1}}', question: '{{2}}' } },
  officerEscalation: { phrase: (w) => w.officerAlert.body, parameters: { what: '{{1}}', id: '{{2}}', place: '{{3}}', level: '{{4}}', due: '{{5}}' } },
};

/** The approved wording of one template in one language. */
export interface TemplateText {
  body: string;
  /** The quick replies' labels: satisfied, not satisfied (none on the acknowledgements). */
  buttons: [string, string] | [];
  /** The URL button's label (the ATR templates only). */
  link?: string;
}

/**
 * The approved wording of each template, as Meta holds it (the simulator shows it; the relay knows the
 * buttons' texts): our messages' wording with Meta's numbered parameters. Templates without quick replies
 * have no buttons.
 */
export const TEMPLATE_TEXT: Record<string, Record<Language, TemplateText>> = Object.fromEntries(
  (Object.keys(TEMPLATES) as (keyof typeof TEMPLATES)[]).map((key) => {
    const { phrase, parameters } = TEMPLATE_WORDING[key];
    const withButtons = TEMPLATES[key].buttons.length > 0;
    const inLanguage = (w: Wording): TemplateText => ({
      body: fill(phrase(w), parameters),
      buttons: withButtons ? [w.ratings.SATISFIED, w.ratings.NOT_SATISFIED] : [],
      ...(withButtons ? { link: w.linkPage.viewAtr } : {}),
    });
    return [TEMPLATES[key].name, { hi: inLanguage(WORDING.hi), en: inLanguage(WORDING.en) }];
  }),
);

/** The label a template button at `index` shows. */
export function buttonLabel(text: TemplateText, index: number): string {
  return index === BUTTON_INDEX.link ? text.link! : text.buttons[index - 1]!;
}

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
