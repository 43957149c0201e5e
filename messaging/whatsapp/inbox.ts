/**
 * The webhook inbox: every signed webhook is written to PostgreSQL in one transaction before we answer
 * 200 — the raw body, then each inbound message (once per wamid) and each status (once per wamid and
 * status). Nothing is lost while Temporal is down: the relay takes the rows from here.
 */
import type { Pool } from 'pg';
import { createWebhookInboxRepository } from '../../db/repositories/webhook-inbox';
import type { InboundMessage, StatusUpdate, WebhookPayload } from './protocol';

/** What one webhook added. */
export interface StoredWebhook {
  eventId: string;
  messages: number;
  statuses: number;
  duplicates: number;
  malformed: boolean;
}

const toDate = (unixSeconds: string | undefined) => new Date(Number(unixSeconds ?? 0) * 1000 || Date.now());

/** Stores a webhook body whose signature has been checked. Malformed JSON is kept, flagged, and answered 200 too. */
export async function storeWebhook(pool: Pool, raw: Buffer): Promise<StoredWebhook> {
  let payload: WebhookPayload | undefined;
  try {
    payload = JSON.parse(raw.toString('utf8')) as WebhookPayload;
  } catch {
    payload = undefined;
  }
  const messages: InboundMessage[] = [];
  const statuses: StatusUpdate[] = [];
  for (const entry of Array.isArray(payload?.entry) ? payload.entry : []) {
    for (const change of Array.isArray(entry?.changes) ? entry.changes : []) {
      if (change?.field !== 'messages' || !change.value) continue;
      for (const m of change.value.messages ?? []) if (m && typeof m.id === 'string' && typeof m.from === 'string') messages.push(m);
      for (const s of change.value.statuses ?? []) if (s && typeof s.id === 'string' && typeof s.status === 'string') statuses.push(s);
    }
  }
  const malformed = payload === undefined || !Array.isArray(payload.entry);

  const { eventId, added } = await createWebhookInboxRepository(pool).storeWebhook({
    raw,
    malformed,
    messages: messages.map((m) => ({ wamid: m.id, fromWaId: m.from, type: m.type, contextWamid: m.context?.id ?? null, message: m, sentAt: toDate(m.timestamp) })),
    statuses: statuses.map((st) => ({ wamid: st.id, status: st.status, statusAt: toDate(st.timestamp), errors: st.errors ?? null, callbackData: st.biz_opaque_callback_data ?? null })),
  });
  return { eventId, messages: messages.length, statuses: statuses.length, duplicates: messages.length + statuses.length - added, malformed };
}
