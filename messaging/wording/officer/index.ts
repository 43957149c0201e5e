/**
 * Everything an officer reads in the inbox (api/officer/), by meaning, Hindi first: one module per language under
 * one type, as for the citizens' wording one folder up, so the pages hold no words of their own. Placeholders in
 * braces, filled with ../index.ts `fill`.
 */
import type { EscalationAction, EscalationStatus, OfficerRole } from '../../../contracts/escalation';
import { officerEn } from './en';
import { officerHi } from './hi';

/** What an action's form reports after the redirect. */
export type InboxNotice = 'acknowledged' | 'noted' | 'asked' | 'transferred' | 'refused' | 'loggedOut' | 'expired' | 'loginFailed';

/** Every phrase of the officers' inbox, in one language. */
export interface OfficerWording {
  /** The language switch names the other language in its own script. */
  common: { title: string; otherLanguage: string; logout: string; signedInAs: string; skipToContent: string; backToList: string };
  login: { heading: string; officerId: string; password: string; submit: string; help: string };
  roles: Record<OfficerRole, string>;
  levels: Record<'1' | '2' | '3', string>;
  statuses: Record<EscalationStatus, string>;
  actions: Record<EscalationAction, string>;
  list: {
    heading: string;
    filters: string;
    level: string;
    status: string;
    sla: string;
    department: string;
    district: string;
    any: string;
    overdue: string;
    due24h: string;
    apply: string;
    grievance: string;
    reason: string;
    slaClock: string;
    vigilance: string;
    count: string;
    empty: string;
  };
  /** The SLA clock: time left or overdue, in words (never colour alone). */
  clock: { left: string; overdue: string; days: string; hours: string; minutes: string; ended: string };
  case: {
    heading: string;
    atr: string;
    openAtr: string;
    noAtr: string;
    reason: string;
    comment: string;
    none: string;
    voice: string;
    phone: string;
    showNumber: string;
    history: string;
    byOfficer: string;
    act: string;
    acknowledge: string;
    note: string;
    addNote: string;
    question: string;
    askCitizen: string;
    transferTo: string;
    toDistrict: string;
    transfer: string;
    vigilance: string;
  };
  notices: Record<InboxNotice, string>;
  errors: { notFound: string; csrf: string; tooMany: string; server: string; invalid: string };
}

/** The officers' wording per language. */
export const OFFICER_WORDING: Record<'hi' | 'en', OfficerWording> = { hi: officerHi, en: officerEn };
