/**
 * Everything a citizen reads, by meaning: the Wording type, which each language module (hi.ts, en.ts) fills
 * in full — the compiler refuses a language that lacks a phrase — and the helpers that put values into
 * phrases. Messages on every channel (WhatsApp, SMS, the outbox), the ATR document, the SMS link page and
 * the verification page take their words from here, so a phrase is written once per language.
 *
 * Phrases name their values in braces ({id}, {department}, {link}, {n}, {total}); WhatsApp's approved
 * templates number theirs ({{1}}), and messaging/whatsapp/protocol.ts maps the names to those numbers.
 */
import type { FeedbackReason, Language, Rating } from '../../contracts/closure';
import type { Acknowledgement } from '../../contracts/workflow';
import type { CitizenMessage } from '../model';
import { en } from './en';
import { hi } from './hi';

/** Every phrase a citizen may read, in one language. */
export interface Wording {
  /** Who speaks to the citizen. */
  names: { government: string; sampark: string };
  /** The two answers, on WhatsApp's quick replies and the link page's buttons. */
  ratings: Record<Rating, string>;
  /** Reasons for "not satisfied": a list title (WhatsApp allows 24 characters) and a description (72). */
  reasons: Record<FeedbackReason, { title: string; description: string }>;
  /** Messages to the citizen, whatever the channel. */
  messages: {
    /** The ATR's covering message; also the approved template sampark_atr_disposed_v1 ({id}, {department}). */
    atr: string;
    /** The reminder; also the approved template sampark_atr_reminder_v1 ({id}). */
    reminder: string;
    acknowledgements: Record<Acknowledgement, string>;
    /** The list of reasons after "not satisfied": its text, its button and its one section's title. */
    reasonList: { body: string; button: string; section: string };
    /** After the reason: invites a comment or a voice note. */
    commentPrompt: string;
  };
  /** The SMS sent when WhatsApp cannot reach the citizen ({id}, {link}). */
  sms: { atrLink: string };
  /** The ATR document (PDF). */
  document: {
    heading: { portal: string; title: string; scanToVerify: string; continued: string };
    labels: {
      atrNumber: string;
      grievanceNumber: string;
      registeredOn: string;
      disposedOn: string;
      department: string;
      district: string;
      officer: string;
      complainant: string;
      subject: string;
      actionTaken: string;
      attachments: string;
      disposalCycle: string;
    };
    feedback: { heading: string; body: string };
    /** The page number has {n} and {total}. */
    footer: { disclaimer: string; page: string };
  };
  /** The page the SMS links to: the report with a feedback form, and what the form answers. */
  linkPage: {
    openPdf: string;
    reasonLabel: string;
    commentLabel: string;
    results: Record<LinkPageResult, string>;
  };
  /** The page a scanned QR code opens. */
  verification: {
    title: Record<'verified' | 'notVerified', string>;
    summary: Record<'verified' | 'notVerified', string>;
    /** What checking the seal found (the English one is also the JSON answer's message). */
    findings: Record<VerificationFinding, string>;
    download: string;
  };
}

/** How the link page's feedback form ended; `used`: its one-time nonce was spent already, expired, or never issued. */
export type LinkPageResult = 'recorded' | 'closed' | 'expired' | 'used';
/** What checking an ATR's seal can find. */
export type VerificationFinding = 'notIssued' | 'notOnRecord' | 'matches' | 'differs';

/** The wording in each language. */
export const WORDING: Record<Language, Wording> = { hi, en };

/** A phrase in both languages, for what is printed in both (the ATR document, the verification page). */
export type Bilingual = Record<Language, string>;

/** Each phrase of one group in both languages: `inBothLanguages((w) => w.document.labels).subject`. */
export function inBothLanguages<K extends string>(pick: (w: Wording) => Record<K, string>): Record<K, Bilingual> {
  const [inHi, inEn] = [pick(hi), pick(en)];
  return Object.fromEntries((Object.keys(inHi) as K[]).map((k) => [k, { hi: inHi[k], en: inEn[k] }])) as Record<K, Bilingual>;
}

/** Puts values into a phrase's {name} placeholders; a name without a value stays as it is. */
export function fill(phrase: string, values: Record<string, string>): string {
  // A function, not a replacement string, so a value's own "$&" or "{id}" is never expanded.
  return phrase.replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder);
}

/** A day (YYYY-MM-DD) as Indian government documents print it: DD-MM-YYYY. */
export function citizenDate(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}-${m}-${y}`;
}

/** The plain-text rendering of a citizen message in their language. */
export function messageText(message: CitizenMessage, language: Language): string {
  const { messages } = WORDING[language];
  const id = { id: message.grievanceId };
  switch (message.kind) {
    case 'ATR':
      return fill(messages.atr, { ...id, department: message.departmentName });
    case 'REMINDER':
      return fill(messages.reminder, id);
    case 'ACKNOWLEDGEMENT':
      return fill(messages.acknowledgements[message.ack], id);
    case 'REASON_LIST':
      return fill(messages.reasonList.body, id);
    case 'COMMENT_PROMPT':
      return fill(messages.commentPrompt, id);
  }
}

/** The SMS sent when WhatsApp cannot reach the citizen: a link to the ATR page. */
export function smsText(grievanceId: string, language: Language, link: string): string {
  return fill(WORDING[language].sms.atrLink, { id: grievanceId, link });
}
