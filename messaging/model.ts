/**
 * The message model: what we tell a citizen, described by meaning, and the two ways it leaves us. Each
 * channel (WhatsApp, SMS, the outbox) turns a CitizenMessage into its own format, with its words from
 * messaging/wording/.
 */
import type { Language } from '../contracts/closure';
import type { Acknowledgement } from '../contracts/workflow';

/** What we tell a citizen, described by meaning; each channel turns it into its own format. */
export type CitizenMessage =
  | { kind: 'ATR'; grievanceId: string; departmentName: string; atrId: string; fileName: string; pdf: Uint8Array }
  | { kind: 'REMINDER'; grievanceId: string; number: number }
  | { kind: 'ACKNOWLEDGEMENT'; grievanceId: string; ack: Acknowledgement }
  /** After "not satisfied": pick a reason from a list. */
  | { kind: 'REASON_LIST'; grievanceId: string }
  /** After the reason: add a comment or a voice note. */
  | { kind: 'COMMENT_PROMPT'; grievanceId: string };

/** Sends messages to citizens. `idempotencyKey` is stable across retries of one logical send. */
export interface Messenger {
  send(req: {
    idempotencyKey: string;
    workflowId: string;
    to: string;
    language: Language;
    message: CitizenMessage;
  }): Promise<{ messageId: string }>;
}

/** Sends the SMS fallback: a short text with a link to the ATR page. */
export interface SmsSender {
  send(req: { reference: string; to: string; text: string }): Promise<{ messageId: string }>;
}
