/**
 * Our Cloud API client and WhatsApp messenger against the simulator over real HTTP: what is sent, whose fault
 * each Meta error is, idempotent retries, media reuse and the pair-rate gap.
 */
import { createHash } from 'node:crypto';
import type { CitizenMessage } from '../../../activities/ports';
import { ChannelFault } from '../../../messaging/faults';
import { buildSimulator, type Simulator } from '../../../tools/simulator/server';
import { createSmsGateway } from '../../../messaging/sms/gateway';
import { CloudApiError, createCloudApi } from '../../../messaging/whatsapp/client';
import { createWhatsAppMessenger } from '../../../messaging/whatsapp/messenger';
import { storeWebhook } from '../../../messaging/whatsapp/inbox';
import { TEMPLATES } from '../../../messaging/whatsapp/protocol';
import { closeTestPool, testPool } from '../../helpers/db';
import { uniqueMobile } from '../../helpers/whatsapp';

const CRED = { appSecret: 's', accessToken: 'messenger-test-token', phoneNumberId: '100000000000001' };
let sim: Simulator;
let url: string;

beforeAll(async () => {
  sim = await buildSimulator({ ...CRED, pairRate: false });
  url = await sim.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await sim?.close();
  await closeTestPool();
});
afterEach(async () => {
  await fetch(`${url}/_sim/faults`, { method: 'DELETE' });
});

const api = (over: Partial<Parameters<typeof createCloudApi>[0]> = {}) =>
  createCloudApi({ baseUrl: url, version: 'v25.0', phoneNumberId: CRED.phoneNumberId, accessToken: CRED.accessToken, timeoutMs: 2_000, ...over });
const messenger = (pacingMs = 0) => createWhatsAppMessenger({ pool: testPool(), api: api(), pacing: { minIntervalMs: pacingMs, maxWaitMs: 10_000 } });
const faults = (rules: unknown[]) => fetch(`${url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules }) });
const sent = async (to: string) => (await (await fetch(`${url}/_sim/messages?to=${encodeURIComponent(to)}`)).json()) as { wamid?: string; request: Record<string, unknown> }[];

const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF');
/** A link page token as the sealer makes them (22 base64url characters). */
const LINK_TOKEN = 'Tk9UX0FfUkVBTF9UT0tFTg';
let n = 0;
/** outbound_messages rows reference closures: a minimal closure per workflow id. */
async function workflow(): Promise<string> {
  const id = `atr-MSG${Date.now().toString(36)}${n++}-c1`;
  await testPool().query(
    `INSERT INTO closures (workflow_id, grievance_id, cycle, department_code, district_code, language, closure) VALUES ($1, $2, 1, 'LSG', 'JPR', 'hi', '{}')`,
    [id, id.slice(4, -3)],
  );
  return id;
}
/** An ATR message whose PDF is its own (the media cache is keyed by the document's digest, so each test uploads anew). */
const atrMessage = (atrId: string): CitizenMessage => ({ kind: 'ATR', grievanceId: 'G1', departmentName: 'स्वायत्त शासन विभाग', atrId, fileName: 'ATR-G1.pdf', linkToken: LINK_TOKEN, pdf: new TextEncoder().encode(`%PDF-1.7\n% ${atrId}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF`) });

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err) => err,
  );
}

describe('Cloud API client', () => {
  test('uploads a PDF and sends the ATR template with it, in E.164 with the plus', async () => {
    const to = uniqueMobile();
    const wf = await workflow();
    const { messageId } = await messenger().send({ idempotencyKey: `${wf}:atr`, workflowId: wf, to, language: 'hi', message: atrMessage(`ATR-${wf}`) });
    const [record] = await sent(to);
    expect(record!.wamid).toBe(messageId);
    expect(record!.request).toMatchObject({ messaging_product: 'whatsapp', to, type: 'template', template: { name: TEMPLATES.atrDisposed.name, language: { code: 'hi' } } });
    const { rows } = await testPool().query('SELECT status, message_id, channel FROM outbound_messages WHERE idempotency_key = $1', [`${wf}:atr`]);
    expect(rows).toEqual([{ status: 'accepted', message_id: messageId, channel: 'whatsapp' }]);
  });

  test('the ATR and the reminder carry the "View ATR" button with the link token, which outbound_messages never stores', async () => {
    const to = uniqueMobile();
    const wf = await workflow();
    await messenger().send({ idempotencyKey: `${wf}:atr`, workflowId: wf, to, language: 'hi', message: atrMessage(`ATR-${wf}`) });
    await messenger().send({ idempotencyKey: `${wf}:r1`, workflowId: wf, to, language: 'en', message: { kind: 'REMINDER', grievanceId: 'G1', number: 1, linkToken: LINK_TOKEN } });
    const requests = (await sent(to)).map((r) => r.request as { template: { components: { type: string; sub_type?: string; index?: string; parameters: unknown[] }[] } });
    expect(requests).toHaveLength(2);
    for (const { template } of requests) {
      expect(template.components.filter((c) => c.type === 'button')).toEqual([
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: LINK_TOKEN }] },
        expect.objectContaining({ sub_type: 'quick_reply', index: '1' }),
        expect.objectContaining({ sub_type: 'quick_reply', index: '2' }),
      ]);
    }
    const { rows } = await testPool().query<{ body: unknown }>('SELECT body FROM outbound_messages WHERE workflow_id = $1', [wf]);
    expect(rows).toHaveLength(2);
    for (const { body } of rows) expect(JSON.stringify(body)).not.toContain(LINK_TOKEN);
  });

  test('sends once however often the same activity retries, and uploads each ATR once', async () => {
    const to = uniqueMobile();
    const wf = await workflow();
    const m = messenger();
    const first = await m.send({ idempotencyKey: `${wf}:atr`, workflowId: wf, to, language: 'en', message: atrMessage(`ATR-${wf}`) });
    const again = await m.send({ idempotencyKey: `${wf}:atr`, workflowId: wf, to, language: 'en', message: atrMessage(`ATR-${wf}`) });
    expect(again).toEqual(first);
    await m.send({ idempotencyKey: `${wf}:resend`, workflowId: wf, to, language: 'en', message: atrMessage(`ATR-${wf}`) });
    const records = await sent(to);
    expect(records).toHaveLength(2);
    const mediaIds = records.map((r) => ((r.request.template as { components: { parameters: { document?: { id: string } }[] }[] }).components[0]!.parameters[0]!.document!.id));
    expect(new Set(mediaIds).size).toBe(1);
  });

  test('never answers a reused ATR id with another closure’s PDF: media are kept by the document’s SHA-256', async () => {
    const atrId = `ATR/2026/M${Date.now()}`;
    const m = messenger();
    const docs = [pdf, new TextEncoder().encode('%PDF-1.7\n% another closure\ntrailer<<>>\n%%EOF')];
    const mediaIds: string[] = [];
    for (const doc of docs) {
      const to = uniqueMobile();
      const wf = await workflow();
      await m.send({ idempotencyKey: `${wf}:atr`, workflowId: wf, to, language: 'hi', message: { ...(atrMessage(atrId) as Extract<CitizenMessage, { kind: 'ATR' }>), pdf: doc } });
      const [record] = await sent(to);
      mediaIds.push((record!.request.template as { components: { parameters: { document?: { id: string } }[] }[] }).components[0]!.parameters[0]!.document!.id);
    }
    expect(new Set(mediaIds).size).toBe(2);
    // Each media id holds the bytes of its own document.
    for (const [i, id] of mediaIds.entries()) {
      const info = (await (await fetch(`${url}/v25.0/${id}`, { headers: { authorization: `Bearer ${CRED.accessToken}` } })).json()) as { sha256: string };
      expect(info.sha256).toBe(createHash('sha256').update(docs[i]!).digest('hex'));
    }
  });

  test('keeps at least the pair interval between two messages to one number', async () => {
    const to = uniqueMobile();
    const wf = await workflow();
    const m = messenger(400);
    const started = Date.now();
    await m.send({ idempotencyKey: `${wf}:r1`, workflowId: wf, to, language: 'hi', message: { kind: 'REMINDER', grievanceId: 'G1', number: 1, linkToken: LINK_TOKEN } });
    await m.send({ idempotencyKey: `${wf}:r2`, workflowId: wf, to, language: 'hi', message: { kind: 'REMINDER', grievanceId: 'G1', number: 2, linkToken: LINK_TOKEN } });
    await m.send({ idempotencyKey: `${wf}:r3`, workflowId: wf, to, language: 'hi', message: { kind: 'REMINDER', grievanceId: 'G1', number: 3, linkToken: LINK_TOKEN } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });

  test.each([
    [130429, 'throughput'],
    [131056, 'pair rate'],
    [131000, 'something went wrong'],
    [131016, 'service unavailable'],
    [131057, 'maintenance mode'],
  ])('raises Meta error %i (%s) as a transient fault for Temporal to retry', async (code) => {
    const to = uniqueMobile();
    const wf = await workflow();
    await faults([{ endpoint: 'messages', to, code, count: 1 }]);
    const err = await failure(messenger().send({ idempotencyKey: `${wf}:r`, workflowId: wf, to, language: 'hi', message: { kind: 'REMINDER', grievanceId: 'G1', number: 1, linkToken: LINK_TOKEN } }));
    expect(err).toBeInstanceOf(ChannelFault);
    expect(err).toMatchObject({ faultClass: 'TRANSIENT', code: `whatsapp:${code}` });
    // The retry goes through once Meta recovers: one refused request, then one accepted message.
    await messenger().send({ idempotencyKey: `${wf}:r`, workflowId: wf, to, language: 'hi', message: { kind: 'REMINDER', grievanceId: 'G1', number: 1, linkToken: LINK_TOKEN } });
    const records = await sent(to);
    expect(records.map((r) => Boolean(r.wamid))).toEqual([false, true]);
  });

  test.each([
    [190, 'access token expired', 'channel'],
    [10, 'permission denied', 'channel'],
    [200, 'permission', 'channel'],
    [368, 'account restricted', 'channel'],
    [131031, 'account locked', 'channel'],
    [131042, 'payment issue', 'channel'],
    [132001, 'template does not exist', 'channel'],
    [132015, 'template paused', 'channel'],
    [132016, 'template disabled', 'channel'],
    [132000, 'parameter count mismatch', 'channel'],
    [131051, 'unsupported message type', 'message'],
    [131053, 'media upload error', 'message'],
    [100, 'invalid parameter', 'message'],
  ])('raises Meta error %i (%s) as a fault on our side, held for another try, never final', async (code, _what, scope) => {
    const to = uniqueMobile();
    const wf = await workflow();
    await faults([{ endpoint: 'messages', to, code, count: 1, details: `simulated ${code}` }]);
    const err = await failure(messenger().send({ idempotencyKey: `${wf}:r`, workflowId: wf, to, language: 'hi', message: { kind: 'REMINDER', grievanceId: 'G1', number: 1, linkToken: LINK_TOKEN } }));
    expect(err).toBeInstanceOf(ChannelFault);
    expect(err).toMatchObject({ faultClass: 'OUR_SIDE', scope, code: `whatsapp:${code}`, reason: `simulated ${code}` });
    const { rows } = await testPool().query('SELECT status, error FROM outbound_messages WHERE idempotency_key = $1', [`${wf}:r`]);
    expect(rows[0]).toMatchObject({ status: 'retry', error: { code, faultClass: 'OUR_SIDE' } });
    // Once fixed, the same send goes out under the same key.
    const { messageId } = await messenger().send({ idempotencyKey: `${wf}:r`, workflowId: wf, to, language: 'hi', message: { kind: 'REMINDER', grievanceId: 'G1', number: 1, linkToken: LINK_TOKEN } });
    expect((await sent(to)).filter((m) => m.wamid).map((m) => m.wamid)).toEqual([messageId]);
  });

  test('raises 131026 as the citizen being unreachable, for good (the SMS fallback takes over)', async () => {
    const to = uniqueMobile();
    const wf = await workflow();
    await faults([{ endpoint: 'messages', to, code: 131026, count: 1 }]);
    const err = await failure(messenger().send({ idempotencyKey: `${wf}:r`, workflowId: wf, to, language: 'hi', message: { kind: 'REMINDER', grievanceId: 'G1', number: 1, linkToken: LINK_TOKEN } }));
    expect(err).toMatchObject({ faultClass: 'CITIZEN_UNREACHABLE', code: 'whatsapp:131026' });
    const { rows } = await testPool().query('SELECT status FROM outbound_messages WHERE idempotency_key = $1', [`${wf}:r`]);
    expect(rows[0]).toEqual({ status: 'failed' });
  });

  test('raises an expired token on the ATR\'s media upload as a fault on our side too', async () => {
    const to = uniqueMobile();
    const wf = await workflow();
    await faults([{ endpoint: 'media', code: 190, count: 1 }]);
    const err = await failure(messenger().send({ idempotencyKey: `${wf}:atr`, workflowId: wf, to, language: 'hi', message: atrMessage(`ATR-${wf}-upload`) }));
    expect(err).toMatchObject({ faultClass: 'OUR_SIDE', scope: 'channel', code: 'whatsapp:190' });
  });

  test('awaits the comment before the invitation goes out, so an instant reply finds its grievance', async () => {
    const to = uniqueMobile();
    const wf = await workflow();
    const awaited = async () => (await testPool().query('SELECT workflow_id FROM awaited_replies WHERE recipient = $1', [to])).rows;
    const ask = () => messenger().send({ idempotencyKey: `${wf}:ask-comment`, workflowId: wf, to, language: 'hi', message: { kind: 'COMMENT_PROMPT', grievanceId: 'G1', level: 1 } });
    // The citizen has just written (the "not satisfied" tap), which opens the 24-hour window for free-form text.
    await fetch(`${url}/_sim/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: to, type: 'text', text: 'असंतुष्ट' }) });
    await faults([{ endpoint: 'messages', to, timeoutMs: 800, count: 1 }]);
    const sending = ask();
    await new Promise((r) => setTimeout(r, 300)); // Meta has not answered yet
    expect(await awaited()).toEqual([{ workflow_id: wf }]);
    await sending;
    expect(await awaited()).toEqual([{ workflow_id: wf }]);
    // A refusal for good takes the expectation back.
    const other = await workflow();
    await faults([{ endpoint: 'messages', to, code: 131026, count: 1 }]);
    await failure(messenger().send({ idempotencyKey: `${other}:ask-comment`, workflowId: other, to, language: 'hi', message: { kind: 'COMMENT_PROMPT', grievanceId: 'G2', level: 1 } }));
    expect(await awaited()).toEqual([{ workflow_id: wf }]);
  });

  test('holds a free-form message refused for the 24-hour window (131047) as a fault on our side: it needed a template', async () => {
    const to = uniqueMobile();
    const wf = await workflow();
    // Injected as a synchronous refusal: the Cloud API usually reports 131047 later, in a failed status (see the relay).
    await faults([{ endpoint: 'messages', to, code: 131047, count: 1 }]);
    const err = await failure(messenger().send({ idempotencyKey: `${wf}:ack`, workflowId: wf, to, language: 'hi', message: { kind: 'ACKNOWLEDGEMENT', grievanceId: 'G1', ack: 'SATISFIED' } }));
    expect(err).toMatchObject({ faultClass: 'OUR_SIDE', scope: 'message', code: 'whatsapp:131047' });
  });

  test('treats a 5xx without a Graph body, and a timeout, as retryable', async () => {
    const to = uniqueMobile();
    const wf = await workflow();
    await faults([{ endpoint: 'messages', to, http: 503, count: 1 }]);
    const e1 = await failure(messenger().send({ idempotencyKey: `${wf}:a`, workflowId: wf, to, language: 'hi', message: { kind: 'REMINDER', grievanceId: 'G1', number: 1, linkToken: LINK_TOKEN } }));
    expect(e1).toMatchObject({ faultClass: 'TRANSIENT', code: 'whatsapp:2' });
    await faults([{ endpoint: 'messages', to, timeoutMs: 3_000, count: 1 }]);
    const e2 = await failure(api({ timeoutMs: 300 }).sendMessage({ messaging_product: 'whatsapp', to, type: 'template', template: { name: TEMPLATES.atrReminder.name, language: { code: 'hi' } } }));
    expect((e2 as Error).name).toBe('TimeoutError');
    expect(e2).not.toBeInstanceOf(CloudApiError);
  });

  test('does not send again after a timeout when the status webhook shows the first attempt went out', async () => {
    const to = uniqueMobile();
    const wf = await workflow();
    const slow = createWhatsAppMessenger({ pool: testPool(), api: api({ timeoutMs: 300 }), pacing: { minIntervalMs: 0, maxWaitMs: 1_000 } });
    const send = () => slow.send({ idempotencyKey: `${wf}:r`, workflowId: wf, to, language: 'hi', message: { kind: 'REMINDER', grievanceId: 'G1', number: 1, linkToken: LINK_TOKEN } });
    await faults([{ endpoint: 'messages', to, timeoutMs: 800, count: 1 }]);
    expect(((await failure(send())) as Error).name).toBe('TimeoutError');
    // Retried at once, it does not know yet whether Meta took it: it waits instead of sending twice.
    expect(((await failure(send())) as Error).message).toMatch(/waiting for its status/);
    // Meta did take it; its status webhook (stored by our inbox) carries our key back.
    const record = await (async () => {
      for (let i = 0; i < 50; i++) {
        const r = (await sent(to)).find((m) => m.wamid);
        if (r) return r;
        await new Promise((res) => setTimeout(res, 50));
      }
      throw new Error('the simulator never took the message');
    })();
    await storeWebhook(testPool(), Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: '1' }, statuses: [{ id: record.wamid, status: 'sent', timestamp: '1795880000', recipient_id: to.slice(1), biz_opaque_callback_data: `${wf}:r` }] } }] }] })));
    expect(await send()).toEqual({ messageId: record.wamid });
    expect((await sent(to)).filter((m) => m.wamid)).toHaveLength(1);
  });

  test('sends again after a timeout when no status has come back within 30 s (Meta never got it)', async () => {
    const to = uniqueMobile();
    const wf = await workflow();
    await testPool().query(
      `INSERT INTO outbound_messages (idempotency_key, workflow_id, channel, purpose, recipient, language, body, status, attempt_started_at)
       VALUES ($1, $2, 'whatsapp', 'REMINDER', $3, 'hi', '{}', 'sending', now() - interval '31 seconds')`,
      [`${wf}:r`, wf, to],
    );
    const { messageId } = await messenger().send({ idempotencyKey: `${wf}:r`, workflowId: wf, to, language: 'hi', message: { kind: 'REMINDER', grievanceId: 'G1', number: 1, linkToken: LINK_TOKEN } });
    expect((await sent(to)).filter((m) => m.wamid).map((m) => m.wamid)).toEqual([messageId]);
  });

  test('classifies a wrong token on upload as ours, for the whole channel', async () => {
    const err = await failure(createCloudApi({ baseUrl: url, version: 'v25.0', phoneNumberId: CRED.phoneNumberId, accessToken: 'wrong', timeoutMs: 2_000 }).uploadMedia(pdf, 'a.pdf', 'application/pdf'));
    expect(err).toBeInstanceOf(CloudApiError);
    expect(err).toMatchObject({ code: 190, fault: { faultClass: 'OUR_SIDE', scope: 'channel' }, httpStatus: 401 });
  });
});

describe('SMS gateway client', () => {
  const gateway = (token = CRED.accessToken) => createSmsGateway({ url: `${url}/sms`, token, sender: 'RJSMPK', timeoutMs: 2_000 });

  test('sends once per reference', async () => {
    const to = uniqueMobile();
    const a = await gateway().send({ reference: `ref-${to}`, to, text: 'link' });
    const b = await gateway().send({ reference: `ref-${to}`, to, text: 'link' });
    expect(b).toEqual(a);
    const list = (await (await fetch(`${url}/_sim/sms?to=${encodeURIComponent(to)}`)).json()) as unknown[];
    expect(list).toHaveLength(1);
  });

  test('classifies its refusals: an invalid number is the citizen\'s, a refused token or sender ours, 429 and 5xx transient', async () => {
    expect(await failure(gateway().send({ reference: 'x1', to: '+1234', text: 'link' }))).toMatchObject({ faultClass: 'CITIZEN_UNREACHABLE', code: 'sms:invalid_number' });
    expect(await failure(gateway('bad').send({ reference: 'x2', to: uniqueMobile(), text: 'link' }))).toMatchObject({ faultClass: 'OUR_SIDE', scope: 'channel', code: 'sms:unauthorized' });
    const to = uniqueMobile();
    await faults([{ endpoint: 'sms', to, code: 'rejected', count: 1, details: 'sender not registered' }]);
    expect(await failure(gateway().send({ reference: `x3-${to}`, to, text: 'link' }))).toMatchObject({ faultClass: 'OUR_SIDE', code: 'sms:rejected', reason: 'sender not registered' });
    await faults([{ endpoint: 'sms', to, http: 503, count: 1 }]);
    expect(await failure(gateway().send({ reference: `x4-${to}`, to, text: 'link' }))).toMatchObject({ faultClass: 'TRANSIENT', code: 'sms:unavailable' });
    await faults([{ endpoint: 'sms', to, http: 429, count: 1 }]);
    expect(await failure(gateway().send({ reference: `x5-${to}`, to, text: 'link' }))).toMatchObject({ faultClass: 'TRANSIENT', code: 'sms:rate_limited' });
  });
});
