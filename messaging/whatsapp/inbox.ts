/**
 * The webhook inbox: every signed webhook is written to PostgreSQL in one transaction before we answer
 * 200 — the raw body, then each inbound message (once per wamid) and each status (once per wamid and
 * status). Nothing is lost while Temporal is down: the relay takes the rows from here.
 */
import type { Pool } from 'pg';
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

  // One statement, so one round trip and its own transaction: the raw body, then each message and status once.
  const { rows } = await pool.query<{ id: string; added: number }>(
    `WITH event AS (
       INSERT INTO webhook_events (raw, malformed) VALUES ($1, $2) RETURNING id
     ), added_messages AS (
       INSERT INTO inbound_messages (wamid, event_id, from_wa_id, type, context_wamid, message, sent_at)
       SELECT m.wamid, event.id, m.from_wa_id, m.type, m.context_wamid, m.message, m.sent_at
         FROM event, jsonb_to_recordset($3::jsonb) AS m(wamid text, from_wa_id text, type text, context_wamid text, message jsonb, sent_at timestamptz)
       ON CONFLICT (wamid) DO NOTHING RETURNING 1
     ), added_statuses AS (
       INSERT INTO message_statuses (wamid, status, event_id, status_at, errors, callback_data)
       SELECT s.wamid, s.status, event.id, s.status_at, s.errors, s.callback_data
         FROM event, jsonb_to_recordset($4::jsonb) AS s(wamid text, status text, status_at timestamptz, errors jsonb, callback_data text)
       ON CONFLICT (wamid, status) DO NOTHING RETURNING 1
     )
     SELECT event.id, ((SELECT count(*) FROM added_messages) + (SELECT count(*) FROM added_statuses))::int AS added FROM event`,
    [
      raw,
      malformed,
      JSON.stringify(messages.map((m) => ({ wamid: m.id, from_wa_id: m.from, type: m.type, context_wamid: m.context?.id ?? null, message: m, sent_at: toDate(m.timestamp) }))),
      JSON.stringify(statuses.map((st) => ({ wamid: st.id, status: st.status, status_at: toDate(st.timestamp), errors: st.errors ?? null, callback_data: st.biz_opaque_callback_data ?? null }))),
    ],
  );
  const { id: eventId, added } = rows[0]!;
  return { eventId, messages: messages.length, statuses: statuses.length, duplicates: messages.length + statuses.length - added, malformed };
}
