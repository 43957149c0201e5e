/**
 * The WhatsApp webhook over real HTTP against the test PostgreSQL: the verification handshake, signature
 * checks, the inbox (each message and status once, before the 200), and every awkward payload.
 */
import { createHmac } from 'node:crypto';
import { Client } from '@temporalio/client';
import { buildApi } from '../../../api/server';
import { AtrClient } from '../../../client';
import { createLogger } from '../../../lib/log';
import type { WebhookPayload } from '../../../messaging/whatsapp/protocol';
import { closeTestPool, testIdempotency, testIntake, testPool } from '../../helpers/db';

const SECRET = 'webhook-test-app-secret';
const VERIFY = 'webhook-test-verify-token';
let base: string;
let close: () => Promise<void>;
let stored = 0;

beforeAll(async () => {
  const { Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
  const app = await buildApi({
    atr: new AtrClient(new Client({ connection }), testIntake()),
    apiKey: 'x'.repeat(20),
    idempotency: testIdempotency(),
    logger: createLogger('silent'),
    health: {},
    whatsapp: { appSecret: SECRET, verifyToken: VERIFY, pool: testPool(), onStored: () => stored++ },
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  close = async () => {
    await app.close();
    await connection.close();
  };
});
afterAll(async () => {
  await close?.();
  await closeTestPool();
});

const sign = (body: Buffer | string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
let seq = 0;
const wamid = () => `wamid.TEST${Date.now().toString(36)}${(seq++).toString(36)}`;

function envelope(value: Partial<WebhookPayload['entry'][number]['changes'][number]['value']>): WebhookPayload {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000000', phone_number_id: '100000000000001' }, ...value } }] }],
  };
}

async function post(body: string | Buffer, signature?: string | null) {
  const res = await fetch(`${base}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-hub-signature-256': signature ?? sign(body) }) },
    body,
  });
  return { status: res.status, text: await res.text() };
}

const count = async (sql: string, args: unknown[]) => Number((await testPool().query(sql, args)).rows[0].n);

describe('WhatsApp webhook', () => {
  test('answers the verification handshake with the challenge, and refuses a wrong token', async () => {
    const ok = await fetch(`${base}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`);
    expect([ok.status, await ok.text()]).toEqual([200, '1158201444']);
    expect((await fetch(`${base}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`)).status).toBe(403);
    expect((await fetch(`${base}/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=1`)).status).toBe(403);
  });

  test('stores a signed reply and answers 200 only after it is stored', async () => {
    const id = wamid();
    const body = JSON.stringify(
      envelope({
        contacts: [{ profile: { name: 'Citizen' }, wa_id: '919876543210' }],
        messages: [{ from: '919876543210', id, timestamp: '1795880000', type: 'button', context: { from: '15550000000', id: 'wamid.OURS1' }, button: { payload: 'FB|atr-G1-c1|SATISFIED', text: 'संतुष्ट' } }],
      }),
    );
    const before = stored;
    expect(await post(body)).toEqual({ status: 200, text: 'EVENT_RECEIVED' });
    expect(stored).toBe(before + 1);
    // (Not its relay state: the relay test in a parallel jest worker may already have taken it.)
    const { rows } = await testPool().query('SELECT type, context_wamid FROM inbound_messages WHERE wamid = $1', [id]);
    expect(rows).toEqual([{ type: 'button', context_wamid: 'wamid.OURS1' }]);
  });

  test('refuses a wrong or missing signature with 401 and stores nothing', async () => {
    const id = wamid();
    const body = JSON.stringify(envelope({ messages: [{ from: '919876543210', id, timestamp: '1', type: 'text', text: { body: 'x' } }] }));
    expect((await post(body, sign(body, 'another-secret'))).status).toBe(401);
    expect((await post(body, null)).status).toBe(401);
    expect((await post(body, 'sha256=zz')).status).toBe(401);
    // A signature over a re-serialised body does not match the raw bytes Meta signed.
    expect((await post(body.replace('"x"', '"y"'), sign(body))).status).toBe(401);
    expect(await count('SELECT count(*) AS n FROM inbound_messages WHERE wamid = $1', [id])).toBe(0);
  });

  test('keeps each message and each status once when Meta delivers them twice', async () => {
    const id = wamid();
    const status = wamid();
    const body = JSON.stringify(
      envelope({
        messages: [{ from: '919876543210', id, timestamp: '1795880000', type: 'text', text: { body: 'पानी अब भी भरा है' } }],
        statuses: [{ id: status, status: 'delivered', timestamp: '1795880001', recipient_id: '919876543210' }],
      }),
    );
    await post(body);
    await post(body);
    expect(await count('SELECT count(*) AS n FROM inbound_messages WHERE wamid = $1', [id])).toBe(1);
    expect(await count('SELECT count(*) AS n FROM message_statuses WHERE wamid = $1', [status])).toBe(1);
  });

  test('keeps statuses that arrive out of order, each kind once', async () => {
    const id = wamid();
    for (const s of ['read', 'sent', 'delivered', 'read'] as const) {
      await post(JSON.stringify(envelope({ statuses: [{ id, status: s, timestamp: '1795880000', recipient_id: '919876543210' }] })));
    }
    const { rows } = await testPool().query('SELECT status FROM message_statuses WHERE wamid = $1 ORDER BY status', [id]);
    expect(rows.map((r) => r.status)).toEqual(['delivered', 'read', 'sent']);
  });

  test('stores a failed status with its errors', async () => {
    const id = wamid();
    await post(JSON.stringify(envelope({ statuses: [{ id, status: 'failed', timestamp: '1795880000', recipient_id: '919876543210', errors: [{ code: 131026, title: 'Message undeliverable' }] }] })));
    const { rows } = await testPool().query('SELECT errors FROM message_statuses WHERE wamid = $1', [id]);
    expect(rows[0].errors).toEqual([{ code: 131026, title: 'Message undeliverable' }]);
  });

  test('answers 200 to signed malformed JSON and keeps it flagged (retrying would not fix it)', async () => {
    const body = '{"object":"whatsapp_business_account","entry":[{';
    expect((await post(body)).status).toBe(200);
    const { rows } = await testPool().query('SELECT malformed FROM webhook_events ORDER BY id DESC LIMIT 1');
    expect(rows[0].malformed).toBe(true);
  });

  test('stores unknown message types as they are', async () => {
    const id = wamid();
    await post(JSON.stringify(envelope({ messages: [{ from: '919876543210', id, timestamp: '1795880000', type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } }] })));
    const { rows } = await testPool().query('SELECT type, message FROM inbound_messages WHERE wamid = $1', [id]);
    expect(rows[0]).toMatchObject({ type: 'reaction', message: { reaction: { emoji: '👍' } } });
  });

  test('takes a 3 MB payload (Meta batches up to 3 MB) and refuses anything past the limit', async () => {
    const statuses = Array.from({ length: 9000 }, (_, i) => ({ id: `wamid.BULK${Date.now()}${i}`, status: 'sent' as const, timestamp: '1795880000', recipient_id: '919876543210', biz_opaque_callback_data: 'x'.repeat(200) }));
    const body = JSON.stringify(envelope({ statuses }));
    expect(Buffer.byteLength(body)).toBeGreaterThan(2.5 * 1024 * 1024);
    expect((await post(body)).status).toBe(200);
    expect(await count("SELECT count(*) AS n FROM message_statuses WHERE wamid LIKE 'wamid.BULK%'", [])).toBeGreaterThanOrEqual(9000);
    // These belong to no workflow: keep them out of the relay tests' way.
    await testPool().query("UPDATE message_statuses SET relay_state = 'ignored' WHERE wamid LIKE 'wamid.BULK%'");
    const huge = Buffer.alloc(5 * 1024 * 1024, 0x20);
    expect((await post(huge)).status).toBe(413);
  });
});
