/**
 * A Messenger that writes each message to the outbound_messages table instead of a channel:
 * the delivery port before WhatsApp, and the record every other channel also keeps.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { createOutboundMessageRepository } from '../db/repositories/outbound-messages';
import type { Messenger } from './model';
import { messageText } from './wording';

/** Creates the outbox Messenger. The same idempotency key always yields the same message id. */
export function createOutboxMessenger(pool: Pool): Messenger {
  const messages = createOutboundMessageRepository(pool);
  return {
    async send({ idempotencyKey, workflowId, to, language, message }) {
      const body =
        message.kind === 'ATR'
          ? { text: messageText(message, language), document: { atrId: message.atrId, fileName: message.fileName, bytes: message.pdf.byteLength } }
          : { text: messageText(message, language) };
      const messageId = await messages.recordOutboxMessage({
        idempotencyKey,
        messageId: `outbox-${randomUUID()}`,
        workflowId,
        purpose: message.kind,
        recipient: to,
        language,
        body,
      });
      return { messageId };
    },
  };
}
