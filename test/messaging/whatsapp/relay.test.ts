/**
 * The relay on the run's dev server: inbox rows reach the right workflow as signals, by payload, by
 * context or by an awaited comment, never by guessing; strangers are ignored; nothing is lost while
 * Temporal is unreachable.
 */
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { AesGcmCodec } from '../../../codec/aes-gcm';
import { atrResendKey, stateQuery, type AtrState, type DeliveryStatusSignal } from '../../../contracts/workflow';
import { createLogger } from '../../../lib/log';
import { storeWebhook } from '../../../messaging/whatsapp/inbox';
import { feedbackPayload, type InboundMessage, type StatusUpdate, type WebhookPayload } from '../../../messaging/whatsapp/protocol';
import { WebhookRelay } from '../../../messaging/whatsapp/relay';
import { testPool, useOwnDatabase } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { TEST_CODEC_KEYS, runWithWorker, type WorkerContext, useDevServer } from '../../helpers/temporal';

const dev = useDevServer();
// The relays of other files running alongside would take this file's inbox rows.
useOwnDatabase();

const CITIZEN = '919876543210';
let seq = 0;
const wamid = () => `wamid.RELAY${Date.now().toString(36)}${(seq++).toString(36)}`;
const log = createLogger('silent');

async function inbox(value: { messages?: InboundMessage[]; statuses?: StatusUpdate[] }): Promise<void> {
  const payload: WebhookPayload = {
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: '1' }, ...value } }] }],
  };
  await storeWebhook(testPool(), Buffer.from(JSON.stringify(payload)));
}

const now = () => String(Math.floor(Date.now() / 1000));

/** Starts a closure (quiet hours off) and waits until its ATR is sent; returns its handle and ATR message id. */
async function started(ctx: WorkerContext, closure = makeClosure({ feedbackPolicy: { quietHours: null } })) {
  const { workflowId } = await ctx.atr.closeGrievance(closure);
  const handle = ctx.client.workflow.getHandle(workflowId);
  for (let i = 0; i < 400; i++) {
    const s: AtrState = await handle.query(stateQuery);
    if (s.delivery.messageId) return { workflowId, handle, atrMessageId: s.delivery.messageId };
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('ATR not sent');
}

async function until<T>(fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met');
}

const relayState = async (table: string, id: string) =>
  (await testPool().query(`SELECT relay_state, relay_note, attempts FROM ${table} WHERE wamid = $1`, [id])).rows[0];

/** Runs relay passes until the row has been taken (other test files share the inbox and may queue ahead of it). */
async function relayUntilTaken(temporal: Client, table: 'inbound_messages' | 'message_statuses', id: string): Promise<void> {
  const relay = new WebhookRelay({ pool: testPool(), temporal, log, batchSize: 500 });
  for (let i = 0; i < 100; i++) {
    await relay.relayOnce();
    const row = await relayState(table, id);
    if (row && (row.relay_state !== 'pending' || row.attempts > 0)) return;
  }
  throw new Error(`the relay never took ${id}`);
}

/** Relays until the row is signalled: on a busy machine a signal may fail once, and the row waits its backoff. */
async function relayUntilDelivered(temporal: Client, table: 'inbound_messages' | 'message_statuses', id: string): Promise<void> {
  const relay = new WebhookRelay({ pool: testPool(), temporal, log, batchSize: 500 });
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    await relay.relayOnce();
    if ((await relayState(table, id))?.relay_state === 'delivered') return;
  }
  throw new Error(`the relay never signalled ${id}`);
}

describe('webhook relay', () => {
  test('moves the ATR status forward in the workflow and its search attributes', async () => {
    await runWithWorker({ connection: dev }, async (ctx) => {
      const { handle, atrMessageId } = await started(ctx);
      await inbox({ statuses: [{ id: atrMessageId, status: 'delivered', timestamp: now(), recipient_id: CITIZEN }] });
      await relayUntilTaken(dev.client, 'message_statuses', atrMessageId);
      expect(await relayState('message_statuses', atrMessageId)).toMatchObject({ relay_state: 'delivered' });
      await until(async () => ((await handle.query(stateQuery)).delivery.status === 'DELIVERED' ? true : undefined));
      const desc = await handle.describe();
      expect(desc.typedSearchAttributes.get({ name: 'DeliveryStatus', type: 'KEYWORD' })).toBe('DELIVERED');
      await handle.terminate('test done');
    });
  });

  test('turns a quick-reply tap into feedback, by its payload', async () => {
    await runWithWorker({ connection: dev }, async (ctx) => {
      const { workflowId, handle, atrMessageId } = await started(ctx);
      const tap = wamid();
      await inbox({ messages: [{ from: CITIZEN, id: tap, timestamp: now(), type: 'button', context: { id: atrMessageId }, button: { payload: feedbackPayload(workflowId, 'SATISFIED'), text: 'संतुष्ट' } }] });
      await relayUntilTaken(dev.client, 'inbound_messages', tap);
      const state = await until(async () => {
        const s = await handle.query(stateQuery);
        return s.outcome ? s : undefined;
      });
      expect(state).toMatchObject({ outcome: 'SATISFIED', feedback: { rating: 'SATISFIED', channel: 'whatsapp', messageId: tap } });
      await handle.terminate('test done');
    });
  });

  test("routes a tap on an older cycle's button to the grievance's newest live cycle", async () => {
    await runWithWorker({ connection: dev }, async (ctx) => {
      const closure = makeClosure({ feedbackPolicy: { quietHours: null } });
      const older = await started(ctx, closure);
      const newest = await started(ctx, { ...closure, cycle: 2 });
      const tap = wamid();
      await inbox({ messages: [{ from: CITIZEN, id: tap, timestamp: now(), type: 'button', context: { id: older.atrMessageId }, button: { payload: feedbackPayload(older.workflowId, 'SATISFIED'), text: 'संतुष्ट' } }] });
      await relayUntilTaken(dev.client, 'inbound_messages', tap);
      expect((await testPool().query('SELECT relay_state, workflow_id FROM inbound_messages WHERE wamid = $1', [tap])).rows[0]).toEqual({
        relay_state: 'delivered',
        workflow_id: newest.workflowId,
      });
      const state = await until(async () => {
        const s = await newest.handle.query(stateQuery);
        return s.outcome ? s : undefined;
      });
      expect(state).toMatchObject({ outcome: 'SATISFIED', feedback: { messageId: tap } });
      const olderFeedback = ((await older.handle.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'feedback');
      expect(olderFeedback).toEqual([]);
      for (const h of [older.handle, newest.handle]) await h.terminate('test done').catch(() => undefined);
    });
  });

  test('routes a tap whose payload is only the button label by the message it answered', async () => {
    await runWithWorker({ connection: dev }, async (ctx) => {
      const { handle, atrMessageId } = await started(ctx);
      const tap = wamid();
      await inbox({ messages: [{ from: CITIZEN, id: tap, timestamp: now(), type: 'button', context: { id: atrMessageId }, button: { payload: 'Not satisfied', text: 'Not satisfied' } }] });
      await relayUntilTaken(dev.client, 'inbound_messages', tap);
      await until(async () => ((await handle.query(stateQuery)).feedback?.rating === 'NOT_SATISFIED' ? true : undefined));
      await handle.terminate('test done');
    });
  });

  test('signals only what moves the ATR: "sent" and statuses of other messages stay in the inbox', async () => {
    await runWithWorker({ connection: dev }, async (ctx) => {
      const { workflowId, handle, atrMessageId } = await started(ctx);
      const reminderId = wamid();
      await testPool().query(
        `INSERT INTO outbound_messages (idempotency_key, message_id, workflow_id, channel, purpose, recipient, language, body)
         VALUES ($1, $2, $3, 'whatsapp', 'REMINDER', '+919876543210', 'hi', '{}')`,
        [`${workflowId}:reminder:1`, reminderId, workflowId],
      );
      await inbox({ statuses: [{ id: atrMessageId, status: 'sent', timestamp: now(), recipient_id: CITIZEN }] });
      await inbox({ statuses: [{ id: reminderId, status: 'delivered', timestamp: now(), recipient_id: CITIZEN }] });
      await relayUntilTaken(dev.client, 'message_statuses', atrMessageId);
      await relayUntilTaken(dev.client, 'message_statuses', reminderId);
      expect(await relayState('message_statuses', atrMessageId)).toMatchObject({ relay_state: 'ignored', relay_note: 'the workflow marks the ATR sent when Meta accepts it' });
      expect(await relayState('message_statuses', reminderId)).toMatchObject({ relay_state: 'ignored', relay_note: 'status of a REMINDER message: kept here, not signalled' });
      const signals = ((await handle.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes);
      expect(signals).toEqual([]);
      await handle.terminate('test done');
    });
  });

  test("classifies a failed status by its code, like a synchronous error, and signals a resend's statuses too", async () => {
    await runWithWorker({ connection: dev }, async (ctx) => {
      const { workflowId, handle, atrMessageId } = await started(ctx);
      const resendId = wamid();
      await testPool().query(
        `INSERT INTO outbound_messages (idempotency_key, message_id, workflow_id, channel, purpose, recipient, language, body)
         VALUES ($1, $2, $3, 'whatsapp', 'ATR', '+919876543210', 'hi', '{}')`,
        // An ops resend's number, clear of the one the workflow itself would use after the 131047 hold.
        [atrResendKey(workflowId, 7), resendId, workflowId],
      );
      await inbox({ statuses: [{ id: atrMessageId, status: 'failed', timestamp: now(), recipient_id: CITIZEN, errors: [{ code: 131047, title: 'Re-engagement message' }] }] });
      await inbox({ statuses: [{ id: resendId, status: 'failed', timestamp: now(), recipient_id: CITIZEN, errors: [{ code: 131026, title: 'Message undeliverable' }] }] });
      await relayUntilDelivered(dev.client, 'message_statuses', atrMessageId);
      await relayUntilDelivered(dev.client, 'message_statuses', resendId);

      // A signal that arrives while a workflow task runs is written to history when the task completes: wait for both.
      const codec = new AesGcmCodec(TEST_CODEC_KEYS);
      const signalled: DeliveryStatusSignal[] = [];
      for (const deadline = Date.now() + 10_000; signalled.length < 2 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
        signalled.length = 0;
        for (const e of (await handle.fetchHistory()).events ?? []) {
          const a = e.workflowExecutionSignaledEventAttributes;
          if (a?.signalName !== 'deliveryStatus') continue;
          const [payload] = await codec.decode((a.input?.payloads ?? []) as Payload[]);
          signalled.push(JSON.parse(Buffer.from(payload!.data!).toString('utf8')) as DeliveryStatusSignal);
        }
      }
      // The relay takes pending rows in its own order: compare them by code.
      signalled.sort((a, b) => (a.errorCode ?? 0) - (b.errorCode ?? 0));
      expect(signalled.map((x) => [x.messageId, x.status, x.errorCode, x.faultClass, x.permanent])).toEqual([
        [resendId, 'FAILED', 131026, 'CITIZEN_UNREACHABLE', true],
        [atrMessageId, 'FAILED', 131047, 'OUR_SIDE', false],
      ]);
      await handle.terminate('test done');
    });
  });

  test('holds a status whose send is still in doubt until the retried send records its wamid', async () => {
    await runWithWorker({ connection: dev }, async (ctx) => {
      const { workflowId, handle, atrMessageId } = await started(ctx);
      // As if the worker died between Meta's answer and our record: the row is 'sending', without the wamid.
      await testPool().query(`UPDATE outbound_messages SET message_id = NULL, status = 'sending' WHERE idempotency_key = $1`, [`${workflowId}:atr`]);
      await inbox({ statuses: [{ id: atrMessageId, status: 'delivered', timestamp: now(), recipient_id: CITIZEN, biz_opaque_callback_data: `${workflowId}:atr` }] });
      await relayUntilTaken(dev.client, 'message_statuses', atrMessageId);
      expect(await relayState('message_statuses', atrMessageId)).toMatchObject({ relay_state: 'pending', attempts: 1 });
      // The retried send finds its message by the callback data and records it.
      await testPool().query(`UPDATE outbound_messages SET message_id = $2, status = 'accepted' WHERE idempotency_key = $1`, [`${workflowId}:atr`, atrMessageId]);
      await testPool().query('UPDATE message_statuses SET next_attempt_at = now() WHERE wamid = $1', [atrMessageId]);
      await relayUntilTaken(dev.client, 'message_statuses', atrMessageId);
      expect(await relayState('message_statuses', atrMessageId)).toMatchObject({ relay_state: 'delivered', attempts: 2 });
      await until(async () => ((await handle.query(stateQuery)).delivery.status === 'DELIVERED' ? true : undefined));
      await handle.terminate('test done');
    });
  });

  test("ignores a reply from a number that is not the grievance's citizen", async () => {
    await runWithWorker({ connection: dev }, async (ctx) => {
      const { workflowId, handle, atrMessageId } = await started(ctx);
      const stranger = wamid();
      await inbox({ messages: [{ from: '919999999999', id: stranger, timestamp: now(), type: 'button', context: { id: atrMessageId }, button: { payload: feedbackPayload(workflowId, 'NOT_SATISFIED'), text: 'x' } }] });
      await relayUntilTaken(dev.client, 'inbound_messages', stranger);
      expect(await relayState('inbound_messages', stranger)).toMatchObject({ relay_state: 'ignored', relay_note: 'reply from a number that is not the grievance citizen' });
      expect((await handle.query(stateQuery)).feedback).toBeUndefined();
      await handle.terminate('test done');
    });
  });

  test('does not guess where a message without payload, context or awaited comment belongs', async () => {
    const lost = wamid();
    await inbox({ messages: [{ from: '917777777777', id: lost, timestamp: now(), type: 'text', text: { body: 'hello' } }] });
    await relayUntilTaken(dev.client, 'inbound_messages', lost);
    expect(await relayState('inbound_messages', lost)).toMatchObject({ relay_state: 'unroutable' });
  });

  test('keeps events while Temporal is unreachable and delivers them once it is back', async () => {
    await runWithWorker({ connection: dev }, async (ctx) => {
      const { handle, atrMessageId } = await started(ctx);
      await inbox({ statuses: [{ id: atrMessageId, status: 'read', timestamp: now(), recipient_id: CITIZEN }] });
      const down = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
      await down.close(); // every call through it fails, as during an outage
      await relayUntilTaken(new Client({ connection: down }), 'message_statuses', atrMessageId);
      expect(await relayState('message_statuses', atrMessageId)).toMatchObject({ relay_state: 'pending', attempts: 1 });
      // The retry is due later; make it due now instead of waiting out the backoff.
      await testPool().query('UPDATE message_statuses SET next_attempt_at = now() WHERE wamid = $1', [atrMessageId]);
      await relayUntilTaken(dev.client, 'message_statuses', atrMessageId);
      expect(await relayState('message_statuses', atrMessageId)).toMatchObject({ relay_state: 'delivered', attempts: 2 });
      await until(async () => ((await handle.query(stateQuery)).delivery.status === 'READ' ? true : undefined));
      await handle.terminate('test done');
    });
  });

  test('marks an event for a workflow that has ended as closed instead of retrying it', async () => {
    await runWithWorker({ connection: dev }, async (ctx) => {
      const { handle, atrMessageId } = await started(ctx);
      await handle.terminate('feedback period over');
      await inbox({ statuses: [{ id: atrMessageId, status: 'delivered', timestamp: now(), recipient_id: CITIZEN }] });
      await relayUntilTaken(dev.client, 'message_statuses', atrMessageId);
      expect(await relayState('message_statuses', atrMessageId)).toMatchObject({ relay_state: 'closed' });
    });
  });
});
