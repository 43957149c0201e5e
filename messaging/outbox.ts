/**
 * A Messenger that writes each message to the outbound_messages table instead of a channel:
 * the delivery port before WhatsApp, and the record every other channel also keeps.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Messenger } from './model';
import { messageText } from './wording';

/** Creates the outbox Messenger. The same idempotency key always yields the same message id. */
export function createOutboxMessenger(pool: Pool): Messenger {
  return {
    async send({ idempotencyKey, workflowId, to, language, message }) {
      const body =
        message.kind === 'ATR'
          ? { text: messageText(message, language), document: { atrId: message.atrId, fileName: message.fileName, bytes: message.pdf.byteLength } }
          : { text: messageText(message, language) };
      const { rows } = await pool.query<{ message_id: string }>(
        `INSERT INTO outbound_messages (idempotency_key, message_id, workflow_id, channel, purpose, recipient, language, body)
         VALUES ($1, $2, $3, 'outbox', $4, $5, $6, $7)
         ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
         RETURNING message_id`,
        [idempotencyKey, `outbox-${randomUUID()}`, workflowId, message.kind, to, language, body],
      );
      return { messageId: rows[0]!.message_id };
    },
  };
}
