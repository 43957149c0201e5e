/**
 * The webhook inbox on PostgreSQL: the raw body of every signed webhook (webhook_events), the inbound
 * messages and status updates it carried, each once (inbound_messages, message_statuses), and the relay's
 * progress on them: claimed with a lease (SKIP LOCKED, so several relays can run), then settled or put off.
 * The only module that names those three tables.
 */
import type { Pool, QueryResultRow } from 'pg';

/** An inbound message as parsed from a webhook. */
export interface NewInboundMessage {
  wamid: string;
  fromWaId: string;
  type: string;
  contextWamid: string | null;
  message: unknown;
  sentAt: Date;
}

/** A status update as parsed from a webhook. */
export interface NewMessageStatus {
  wamid: string;
  status: string;
  statusAt: Date;
  errors: unknown;
  /** Our idempotency key, echoed by Meta (biz_opaque_callback_data). */
  callbackData: string | null;
}

/** An inbound message the relay has claimed. */
export interface ClaimedMessage extends NewInboundMessage {
  /** Relay attempts so far, this one included. */
  attempts: number;
}

/** A status update the relay has claimed. */
export interface ClaimedStatus {
  wamid: string;
  status: string;
  statusAt: Date;
  errors: unknown;
  callbackData: string | null;
  attempts: number;
}

/** How the relay settled a row. */
export interface RelaySettlement {
  state: 'delivered' | 'ignored' | 'unroutable' | 'closed';
  note?: string;
  workflowId?: string;
}

/** Creates the webhook inbox repository on a pool. */
export function createWebhookInboxRepository(pool: Pool) {
  /** Claims due pending rows for `leaseSeconds`; a relay that dies leaves them to be claimed again after it. */
  const claim = async <Row extends QueryResultRow>(sql: string, batchSize: number, leaseSeconds: number) => (await pool.query<Row>(sql, [batchSize, leaseSeconds])).rows;

  return {
    /**
     * Stores a webhook: the raw body, then each message and status not stored before. One statement, so one
     * round trip and its own transaction. Returns the event id and how many messages and statuses were new.
     */
    async storeWebhook(entry: { raw: Buffer; malformed: boolean; messages: NewInboundMessage[]; statuses: NewMessageStatus[] }): Promise<{ eventId: string; added: number }> {
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
          entry.raw,
          entry.malformed,
          JSON.stringify(entry.messages.map((m) => ({ wamid: m.wamid, from_wa_id: m.fromWaId, type: m.type, context_wamid: m.contextWamid, message: m.message, sent_at: m.sentAt }))),
          JSON.stringify(entry.statuses.map((s) => ({ wamid: s.wamid, status: s.status, status_at: s.statusAt, errors: s.errors, callback_data: s.callbackData }))),
        ],
      );
      const { id: eventId, added } = rows[0]!;
      return { eventId, added };
    },

    /**
     * When this number (any form: +91..., 91...) last wrote to us on WhatsApp, by Meta's timestamp: the 24-hour
     * customer service window runs from it.
     */
    async lastInboundAt(phone: string): Promise<Date | undefined> {
      const { rows } = await pool.query<{ at: Date | null }>('SELECT max(sent_at) AS at FROM inbound_messages WHERE from_wa_id = $1', [phone.replace(/\D/g, '')]);
      return rows[0]?.at ?? undefined;
    },

    /** The message id of a send whose status webhook echoed this idempotency key, if one came. */
    async messageIdForCallback(callbackData: string): Promise<string | undefined> {
      const { rows } = await pool.query<{ wamid: string }>('SELECT wamid FROM message_statuses WHERE callback_data = $1 LIMIT 1', [callbackData]);
      return rows[0]?.wamid;
    },

    /** Claims up to batchSize due pending messages, oldest first. */
    async claimMessages(batchSize: number, leaseSeconds: number): Promise<ClaimedMessage[]> {
      const rows = await claim<{ wamid: string; from_wa_id: string; type: string; context_wamid: string | null; message: unknown; sent_at: Date; attempts: number }>(
        `UPDATE inbound_messages SET next_attempt_at = now() + make_interval(secs => $2), attempts = attempts + 1
          WHERE wamid IN (SELECT wamid FROM inbound_messages WHERE relay_state = 'pending' AND next_attempt_at <= now()
                           ORDER BY sent_at LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING wamid, from_wa_id, type, context_wamid, message, sent_at, attempts`,
        batchSize,
        leaseSeconds,
      );
      return rows
        .map((r) => ({ wamid: r.wamid, fromWaId: r.from_wa_id, type: r.type, contextWamid: r.context_wamid, message: r.message, sentAt: r.sent_at, attempts: r.attempts }))
        .sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
    },

    /** Claims up to batchSize due pending statuses, oldest first. */
    async claimStatuses(batchSize: number, leaseSeconds: number): Promise<ClaimedStatus[]> {
      const rows = await claim<{ wamid: string; status: string; status_at: Date; errors: unknown; callback_data: string | null; attempts: number }>(
        `UPDATE message_statuses SET next_attempt_at = now() + make_interval(secs => $2), attempts = attempts + 1
          WHERE (wamid, status) IN (SELECT wamid, status FROM message_statuses WHERE relay_state = 'pending' AND next_attempt_at <= now()
                                     ORDER BY status_at LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING wamid, status, status_at, errors, callback_data, attempts`,
        batchSize,
        leaseSeconds,
      );
      return rows
        .map((r) => ({ wamid: r.wamid, status: r.status, statusAt: r.status_at, errors: r.errors, callbackData: r.callback_data, attempts: r.attempts }))
        .sort((a, b) => a.statusAt.getTime() - b.statusAt.getTime());
    },

    /** Leaves a message pending, to be claimed again in `seconds`. */
    async postponeMessage(wamid: string, seconds: number): Promise<void> {
      await pool.query('UPDATE inbound_messages SET next_attempt_at = now() + make_interval(secs => $2) WHERE wamid = $1', [wamid, seconds]);
    },

    async postponeStatus(wamid: string, status: string, seconds: number): Promise<void> {
      await pool.query('UPDATE message_statuses SET next_attempt_at = now() + make_interval(secs => $3) WHERE wamid = $1 AND status = $2', [
        wamid,
        status,
        seconds,
      ]);
    },

    async settleMessage(wamid: string, { state, note, workflowId }: RelaySettlement): Promise<void> {
      await pool.query('UPDATE inbound_messages SET relay_state = $2, relay_note = $3, workflow_id = $4, relayed_at = now() WHERE wamid = $1', [
        wamid,
        state,
        note ?? null,
        workflowId ?? null,
      ]);
    },

    async settleStatus(wamid: string, status: string, { state, note, workflowId }: RelaySettlement): Promise<void> {
      await pool.query(
        'UPDATE message_statuses SET relay_state = $3, relay_note = $4, workflow_id = $5, relayed_at = now() WHERE wamid = $1 AND status = $2',
        [wamid, status, state, note ?? null, workflowId ?? null],
      );
    },

    /**
     * Erases the citizen's messages routed to these closures or replying to these messages of ours: sender and
     * content go, the row (its wamid keeps a redelivery from counting twice) stays. The raw webhook bodies that
     * carried them are deleted. Returns how many of each.
     */
    async eraseInbound(workflowIds: readonly string[], ourMessageIds: readonly string[]): Promise<{ messages: number; events: number }> {
      const { rows } = await pool.query<{ messages: number; events: number }>(
        `WITH targets AS (
           SELECT wamid, event_id FROM inbound_messages WHERE workflow_id = ANY($1) OR context_wamid = ANY($2)
         ), erased AS (
           UPDATE inbound_messages i SET from_wa_id = NULL, message = NULL, event_id = NULL
             FROM targets t WHERE i.wamid = t.wamid AND (i.from_wa_id IS NOT NULL OR i.message IS NOT NULL OR i.event_id IS NOT NULL)
           RETURNING 1
         ), events AS (
           DELETE FROM webhook_events WHERE id IN (SELECT event_id FROM targets WHERE event_id IS NOT NULL) RETURNING 1
         )
         SELECT (SELECT count(*) FROM erased)::int AS messages, (SELECT count(*) FROM events)::int AS events`,
        [workflowIds, ourMessageIds],
      );
      return rows[0]!;
    },

    /**
     * Deletes up to `limit` raw webhook bodies received more than `graceDays` ago whose messages and statuses
     * have all been relayed. The parsed rows stay (their event_id becomes NULL).
     */
    async purgeRelayedEvents(graceDays: number, limit: number): Promise<number> {
      const { rowCount } = await pool.query(
        `DELETE FROM webhook_events WHERE id IN (
           SELECT e.id FROM webhook_events e
            WHERE e.received_at < now() - make_interval(days => $1)
              AND NOT EXISTS (SELECT 1 FROM inbound_messages m WHERE m.event_id = e.id AND m.relay_state = 'pending')
              AND NOT EXISTS (SELECT 1 FROM message_statuses s WHERE s.event_id = e.id AND s.relay_state = 'pending')
            ORDER BY e.id LIMIT $2)`,
        [graceDays, limit],
      );
      return rowCount ?? 0;
    },

    /**
     * Erases up to `limit` inbound messages never routed to a closure (no workflow), relayed more than
     * `retentionDays` ago: no closure's outcome can start their clock, so their relay does.
     */
    async eraseUnroutedMessages(retentionDays: number, limit: number): Promise<number> {
      const { rowCount } = await pool.query(
        `UPDATE inbound_messages SET from_wa_id = NULL, message = NULL WHERE wamid IN (
           SELECT wamid FROM inbound_messages
            WHERE workflow_id IS NULL AND relay_state <> 'pending' AND relayed_at < now() - make_interval(days => $1)
              AND (from_wa_id IS NOT NULL OR message IS NOT NULL)
            LIMIT $2)`,
        [retentionDays, limit],
      );
      return rowCount ?? 0;
    },
  };
}

/** The webhook inbox repository's methods. */
export type WebhookInboxRepository = ReturnType<typeof createWebhookInboxRepository>;
