/**
 * The message model: what we tell a citizen, described by meaning, and the two ways it leaves us. Each
 * channel (WhatsApp, SMS, the outbox) turns a CitizenMessage into its own format, with its words from
 * messaging/wording/.
 */
import type { FeedbackReason, Language } from '../contracts/closure';
import type { OfficerAlertKind } from '../contracts/escalation-activities';
import type { Acknowledgement, EscalationLevel, Outcome } from '../contracts/workflow';

/** What we tell a citizen, described by meaning; each channel turns it into its own format. */
export type CitizenMessage =
  /** `linkToken`: the citizen's link page token (/atr/:token), the suffix of the template's "View ATR" button. */
  | { kind: 'ATR'; grievanceId: string; departmentName: string; atrId: string; fileName: string; pdf: Uint8Array; linkToken: string }
  | { kind: 'REMINDER'; grievanceId: string; number: number; linkToken: string }
  /**
   * `level`: where an ESCALATED grievance went (the acknowledgement names it). `outsideWindow`: the citizen last wrote
   * more than 24 hours ago, so WhatsApp takes only an approved template.
   */
  | { kind: 'ACKNOWLEDGEMENT'; grievanceId: string; ack: Acknowledgement; level?: EscalationLevel; outsideWindow?: boolean }
  /** After "not satisfied": pick a reason from a list. */
  | { kind: 'REASON_LIST'; grievanceId: string; reasons: readonly FeedbackReason[] }
  /** After the reason: add a comment or a voice note; `level`: where it goes; `commentRequired` after "Other reason". */
  | { kind: 'COMMENT_PROMPT'; grievanceId: string; level: EscalationLevel; commentRequired?: boolean }
  /** A message we could not take as a rating: the two buttons and the helpline (a reply inside the window). */
  | { kind: 'HELP'; grievanceId: string }
  /** A reply after the feedback period closed: the grievance's outcome and how to raise a new one. */
  | { kind: 'AFTER_CLOSE'; grievanceId: string; outcome: Outcome }
  /** An officer's question on the citizen's escalation (a template: the citizen's window may have closed). */
  | { kind: 'ESCALATION_QUESTION'; grievanceId: string; question: string }
  /** To an officer, on their own number: an escalation is with them (`place` the department and district, `due` IST). */
  | { kind: 'OFFICER_ALERT'; grievanceId: string; alert: OfficerAlertKind; level: EscalationLevel; place: string; due: string };

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
