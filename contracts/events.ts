/**
 * The portal's event feed: every change the portal cares about, written to an outbox in PostgreSQL by the
 * workflows' activities and delivered at least once, signed, in order per grievance. The portal de-duplicates by
 * `id`. No personal data in an event: ids, codes, levels, statuses and times only (the portal has the rest).
 */
import type { FeedbackChannel, FeedbackReason, Rating } from './closure';
import type { EscalationStatus } from './escalation';
import type { Channel } from './faults';
import type { ESCALATION_LEVELS, EscalationLevel, Outcome } from './workflow';

type EscalationLevelName = (typeof ESCALATION_LEVELS)[EscalationLevel];

/** Every event type. `grievance.reopen` is the old reopen callback, kept as one event among the others. */
export const PORTAL_EVENT_TYPES = [
  'atr.delivered',
  'atr.delivery_blocked',
  'atr.undeliverable',
  'atr.sms_fallback',
  'feedback.received',
  'closure.outcome',
  'grievance.reopen',
  'escalation.raised',
  'escalation.level_changed',
  'escalation.status_changed',
  'escalation.resolved',
] as const;
/** A portal event type. */
export type PortalEventType = (typeof PORTAL_EVENT_TYPES)[number];

/**
 * Each event type's `data`. Ids, codes, levels, statuses and times only: never a name, phone, comment or voice note.
 * `workflowId` is the closure's ATR workflow (`atr-<grievanceId>-c<cycle>`).
 */
export interface PortalEventDataMap {
  /** The citizen's phone reported the ATR delivered (or read, which implies delivered), on WhatsApp or by SMS. */
  'atr.delivered': { workflowId: string; channel: Channel; messageId: string; deliveredAt: string };
  /**
   * A fault on our side holds the ATR (credentials, a paused template, payment...): the closure waits and goes out
   * when it is fixed; this is not the citizen's outcome. `code` is e.g. `whatsapp:132015`.
   */
  'atr.delivery_blocked': { workflowId: string; channel: Channel; code: string; since: string };
  /** Neither WhatsApp nor SMS can reach the citizen's number; the closure ends UNDELIVERABLE. */
  'atr.undeliverable': { workflowId: string; channel: Channel; errorCode?: number };
  /** WhatsApp did not deliver in time (or failed), so the ATR link went by SMS. */
  'atr.sms_fallback': { workflowId: string; messageId: string; sentAt: string };
  /**
   * The citizen's feedback, from any channel. `decisive` is false for a repeat or a late answer (after the window),
   * which is recorded but changes no outcome. The comment and voice note stay with us (the inbox shows them).
   */
  'feedback.received': {
    workflowId: string;
    messageId: string;
    rating: Rating;
    reason?: FeedbackReason;
    channel: FeedbackChannel;
    decisive: boolean;
    late: boolean;
    receivedAt: string;
  };
  /** How the closure ended for the citizen (SATISFIED, ESCALATED, NO_RESPONSE, UNDELIVERABLE, SUPERSEDED). */
  'closure.outcome': { workflowId: string; outcome: Outcome; reason?: string };
  /** "Not satisfied": the portal reopens the grievance (the old reopen callback). The next disposal is cycle + 1. */
  'grievance.reopen': { workflowId: string; escalationId: string; level: EscalationLevel; reason?: FeedbackReason };
  /** An escalation was raised at `level` (1 department, 2 district, 3 state), due by `slaDueAt` when known. */
  'escalation.raised': {
    escalationId: string;
    workflowId: string;
    level: EscalationLevel;
    levelName: EscalationLevelName;
    departmentCode: string;
    districtCode: string;
    reason?: FeedbackReason;
    slaDueAt?: string;
  };
  /** The escalation moved to another level (its SLA passed, or it was transferred). */
  'escalation.level_changed': {
    escalationId: string;
    fromLevel: EscalationLevel;
    toLevel: EscalationLevel;
    levelName: EscalationLevelName;
    cause: 'SLA_BREACHED' | 'TRANSFERRED';
    slaDueAt?: string;
  };
  /** The escalation's status changed (acknowledged, awaiting the citizen, breached at the top level). */
  'escalation.status_changed': { escalationId: string; level: EscalationLevel; status: EscalationStatus };
  /** The escalation ended resolved; `resolvedBy` is the next cycle's ATR workflow when a re-disposal resolved it. */
  'escalation.resolved': { escalationId: string; level: EscalationLevel; resolvedBy?: string };
}

/** The `data` of one event type. */
export type PortalEventData<T extends PortalEventType = PortalEventType> = PortalEventDataMap[T];

/** An event as an activity appends it to the outbox; the outbox assigns `sequence`. */
export type NewPortalEvent = {
  [T in PortalEventType]: {
    id: string;
    type: T;
    grievanceId: string;
    cycle: number;
    /** When the change happened (ISO); the time of appending if left out. */
    occurredAt?: string;
    data: PortalEventDataMap[T];
  };
}[PortalEventType];

/**
 * The event id: the same for the same change however often the activity that reports it is retried or the event is
 * replayed. `sourceId` is the workflow that saw the change (an ATR or escalation workflow id), `discriminator`
 * tells apart several events of one type in one workflow (a message id, a level, a status).
 */
export function portalEventId(sourceId: string, type: PortalEventType, discriminator?: string | number): string {
  return discriminator === undefined || discriminator === '' ? `${sourceId}:${type}` : `${sourceId}:${type}:${discriminator}`;
}

/** One event as the portal receives it (the JSON body of one POST, signed as a whole). */
export interface PortalEvent<T extends PortalEventType = PortalEventType> {
  /** Stable across retries and replays: the portal drops an id it has seen. */
  id: string;
  type: T;
  /** Version of this envelope; a breaking change gets a new version. */
  specVersion: '1';
  grievanceId: string;
  cycle: number;
  /** Increases per grievance in the order the events happened. */
  sequence: number;
  occurredAt: string;
  /** Type-specific, no personal data (PortalEventDataMap). */
  data: PortalEventDataMap[T];
}

/** Where an event stands in the outbox: waiting (or retrying), taken by the portal, or refused by it (4xx). */
export const PORTAL_EVENT_STATUSES = ['PENDING', 'DELIVERED', 'REJECTED'] as const;
/** An outbox status. */
export type PortalEventStatus = (typeof PORTAL_EVENT_STATUSES)[number];

/** Header with the HMAC-SHA256 of the raw body, hex, prefixed like Meta's X-Hub-Signature-256: `sha256=<hex>`. */
export const PORTAL_SIGNATURE_HEADER = 'x-sampark-signature-256';
/** Header with the event id (also in the body), for logs and quick de-duplication. */
export const PORTAL_EVENT_ID_HEADER = 'x-sampark-event-id';
