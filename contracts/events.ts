/**
 * The portal's event feed: every change the portal cares about, written to an outbox in PostgreSQL by the
 * workflows' activities and delivered at least once, signed, in order per grievance. The portal de-duplicates by
 * `id`. No personal data in an event: ids, codes, levels, statuses and times only (the portal has the rest).
 */

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

/** One event as the portal receives it (the JSON body of one POST, signed as a whole). */
export interface PortalEvent {
  /** Stable across retries and replays: the portal drops an id it has seen. */
  id: string;
  type: PortalEventType;
  /** Version of this envelope; a breaking change gets a new version. */
  specVersion: '1';
  grievanceId: string;
  cycle: number;
  /** Increases per grievance in the order the events happened. */
  sequence: number;
  occurredAt: string;
  /** Type-specific, no personal data (see docs and the OpenAPI document's webhooks). */
  data: Record<string, unknown>;
}

/** Header with the HMAC-SHA256 of the raw body, hex, prefixed like Meta's X-Hub-Signature-256: `sha256=<hex>`. */
export const PORTAL_SIGNATURE_HEADER = 'x-sampark-signature-256';
/** Header with the event id (also in the body), for logs and quick de-duplication. */
export const PORTAL_EVENT_ID_HEADER = 'x-sampark-event-id';
