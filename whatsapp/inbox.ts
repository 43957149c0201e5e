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

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string }>('INSERT INTO webhook_events (raw, malformed) VALUES ($1, $2) RETURNING id', [raw, malformed]);
    const eventId = rows[0]!.id;
    let added = 0;
    for (const m of messages) {
      const { rowCount } = await client.query(
        `INSERT INTO inbound_messages (wamid, event_id, from_wa_id, type, context_wamid, message, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (wamid) DO NOTHING`,
        [m.id, eventId, m.from, m.type, m.context?.id ?? null, m, toDate(m.timestamp)],
      );
      added += rowCount ?? 0;
    }
    for (const s of statuses) {
      const { rowCount } = await client.query(
        `INSERT INTO message_statuses (wamid, status, event_id, status_at, errors, callback_data)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (wamid, status) DO NOTHING`,
        [s.id, s.status, eventId, toDate(s.timestamp), s.errors ? JSON.stringify(s.errors) : null, s.biz_opaque_callback_data ?? null],
      );
      added += rowCount ?? 0;
    }
    await client.query('COMMIT');
    return { eventId, messages: messages.length, statuses: statuses.length, duplicates: messages.length + statuses.length - added, malformed };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
