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
import type { Acknowledgement, EscalationLevel, Outcome } from '../../contracts/workflow';
import type { OfficerAlertKind } from '../../contracts/escalation-activities';
import type { CitizenMessage } from '../model';
import { en } from './en';
import { hi } from './hi';

/** Every phrase a citizen may read, in one language. */
export interface Wording {
  /** Who speaks to the citizen. */
  names: { government: string; sampark: string };
  /** The two answers, on WhatsApp's quick replies and the link page's buttons. */
  ratings: Record<Rating, string>;
  /**
   * Where a "not satisfied" goes, as the {level} of a phrase (escalationStartLevel in contracts/escalation.ts):
   * 1 the department's officer in the district, 2 the collector's office, 3 the state's department.
   */
  levels: Record<EscalationLevel, string>;
  /** Reasons for "not satisfied": a list title (WhatsApp allows 24 characters) and a description (72). */
  reasons: Record<FeedbackReason, { title: string; description: string }>;
  /** Messages to the citizen, whatever the channel. */
  messages: {
    /** The ATR's covering message; also the approved template sampark_atr_disposed_v2 ({id}, {department}). */
    atr: string;
    /** The reminder; also the approved template sampark_atr_reminder_v2 ({id}). */
    reminder: string;
    /** ESCALATED names the {level} the grievance went to. */
    acknowledgements: Record<Acknowledgement, string>;
    /** The list of reasons after "not satisfied": its text, its button and its one section's title. */
    reasonList: { body: string; button: string; section: string };
    /** After the reason: invites a comment or a voice note ({id}, {level}). */
    commentPrompt: string;
    /** After "Other reason": the comment (or voice note) is the reason, so it is asked for ({id}, {level}). */
    commentPromptOther: string;
    /** An officer's question on an escalation; also the template sampark_escalation_question_v1 ({id}, {question}). */
    escalationQuestion: string;
  };
  /**
   * What an officer is told on their own WhatsApp number when an escalation reaches them; the template
   * sampark_officer_escalation_v1 ({what}, {id}, {place}, {level}, {due}). `what` names why they are told.
   */
  officerAlert: { body: string; what: Record<OfficerAlertKind, string>; levels: Record<1 | 2 | 3, string> };
  /** The SMS sent when WhatsApp cannot reach the citizen ({id}, {link}). */
  sms: { atrLink: string };
  /**
   * Answers to what a citizen wrote or said on their own, not by tapping (issue 14; the words we understand as a
   * rating are in understood-replies.ts).
   */
  ownWords: {
    /** A message we could not take as a rating: how to answer with the two buttons, and the helpline. */
    help: string;
    /** A reply after the grievance's feedback period closed: its outcome ({outcome}) and how to raise a new one ({id}). */
    afterClose: string;
    /** Each outcome, as afterClose names it. */
    outcomes: Record<Outcome, string>;
  };
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
    /** The body names the {level} a "not satisfied" of this cycle goes to. */
    feedback: { heading: string; body: string };
    /** The page number has {n} and {total}. */
    footer: { disclaimer: string; page: string };
  };
  /**
   * The citizen's link page (/atr/:token, from the template's "View ATR" button, the SMS and the PDF): the report
   * with the feedback form, its errors, the thank-you and already-answered pages, and the pages of a link that
   * cannot be used.
   */
  linkPage: {
    /** The WhatsApp template's URL button (Meta allows 25 characters). */
    viewAtr: string;
    openPdf: string;
    /** Switches the page to the other language (written in that language). */
    otherLanguage: string;
    question: string;
    notSatisfiedHint: string;
    reasonLegend: string;
    commentLabel: string;
    commentHint: string;
    details: string;
    errorsHeading: string;
    errors: Record<LinkFormError, string>;
    /** {id} */
    grievance: string;
    /** NOT_SATISFIED has {level} and {days} (the level's SLA). */
    thanks: { heading: string } & Record<Rating, string>;
    /** NOT_SATISFIED has {level}. */
    answered: { heading: string } & Record<Rating, string>;
    helpline: string;
    gone: Record<LinkGone, { title: string; body: string }>;
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

/**
 * Why a link page cannot take feedback: `badLink` malformed or truncated (400), `unknown` never issued (404),
 * `expired` (410), `closed` its run no longer takes feedback (409), `used` the form's one-time nonce was spent
 * already, expired, or never issued (409), `busy` too many requests on it (429).
 */
export type LinkGone = 'badLink' | 'unknown' | 'expired' | 'closed' | 'used' | 'busy';
/** What the link page's form can get wrong, each told to the citizen by the field it names. */
export type LinkFormError = 'ratingRequired' | 'reasonRequired' | 'reasonWithSatisfied' | 'reasonNotOffered' | 'commentRequired' | 'commentInvalid';
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
  const { messages, levels } = WORDING[language];
  const id = { id: message.grievanceId };
  switch (message.kind) {
    case 'ATR':
      return fill(messages.atr, { ...id, department: message.departmentName });
    case 'REMINDER':
      return fill(messages.reminder, id);
    case 'ACKNOWLEDGEMENT':
      return fill(messages.acknowledgements[message.ack], { ...id, ...(message.level ? { level: levels[message.level] } : {}) });
    case 'REASON_LIST':
      return fill(messages.reasonList.body, id);
    case 'COMMENT_PROMPT':
      return fill(message.commentRequired ? messages.commentPromptOther : messages.commentPrompt, { ...id, level: levels[message.level] });
    case 'HELP':
      return WORDING[language].ownWords.help;
    case 'AFTER_CLOSE': {
      const { ownWords } = WORDING[language];
      return fill(ownWords.afterClose, { ...id, outcome: ownWords.outcomes[message.outcome] });
    }
    case 'ESCALATION_QUESTION':
      return fill(messages.escalationQuestion, { ...id, question: message.question });
    case 'OFFICER_ALERT': {
      const { officerAlert } = WORDING[language];
      return fill(officerAlert.body, { ...id, what: officerAlert.what[message.alert], place: message.place, level: officerAlert.levels[message.level], due: message.due });
    }
  }
}

/** An acknowledgement as an SMS, for a citizen who is on SMS. */
export function smsAcknowledgementText(grievanceId: string, language: Language, ack: Acknowledgement, level?: EscalationLevel): string {
  const { messages, levels } = WORDING[language];
  return fill(messages.acknowledgements[ack], { id: grievanceId, ...(level ? { level: levels[level] } : {}) });
}

/** The SMS sent when WhatsApp cannot reach the citizen: a link to the ATR page. */
export function smsText(grievanceId: string, language: Language, link: string): string {
  return fill(WORDING[language].sms.atrLink, { id: grievanceId, link });
}
