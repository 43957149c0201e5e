/**
 * Our logs never carry a secret, a capability or a citizen's data: a full run over real HTTP (the API with its
 * key, the worker, the signed webhook and its relay, the simulator, the SMS link page, the verification link
 * and its PDF, the codec server with its token, Meta's handshake) while every line our loggers write is kept,
 * then each value the run used is looked for in every line.
 */
import { createHmac } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { buildCodecServer } from '../../codec/server';
import { stateQuery } from '../../contracts/workflow';
import { createClosureRepository } from '../../db/repositories/closures';
import { createLogger, type Logger } from '../../lib/log';
import { TEMPLATES } from '../../messaging/whatsapp/protocol';
import type { SimMessageView, SmsRecord } from '../../tools/simulator/server';
import { testPool } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { readAtrQrCode } from '../helpers/qr';
import { TEST_CODEC_KEYS, useDevServer } from '../helpers/temporal';
import { CREDENTIALS, eventually, uniqueMobile, withWhatsApp } from '../helpers/whatsapp';

const dev = useDevServer();

/** A logger whose every line is kept. */
function capturedLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger('trace', { run: 'no-secrets' }, { write: (line: string) => void lines.push(line) }), lines };
}

/** The names of the values found in any line, each with the first line it was found in. */
function leaks(lines: readonly string[], secrets: Record<string, string>): string[] {
  return Object.entries(secrets).flatMap(([name, value]) => {
    const line = lines.find((l) => l.includes(value));
    return line ? [`${name} in ${line.trim()}`] : [];
  });
}

type Sent = SimMessageView & { request: { template?: { name: string }; interactive?: { type: string } } };

test('the leak finder names a secret in a planted log line', () => {
  const { log, lines } = capturedLogger();
  log.info({ requestId: 'r1' }, 'an honest line');
  expect(leaks(lines, { 'API key': CREDENTIALS.portalApiKey })).toEqual([]);
  log.info({ debugKey: CREDENTIALS.portalApiKey }, 'a careless line');
  expect(leaks(lines, { 'API key': CREDENTIALS.portalApiKey })).toEqual([expect.stringMatching(/^API key in .*a careless line/)]);
});

test('an end-to-end run logs none of the secrets, capabilities or personal data it used', async () => {
  const { log, lines } = capturedLogger();
  const codecToken = 'codec-token-e2e-0123456789abcdef';
  const raw = new Client({ connection: await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! }) });
  // The laptop's form too (npm start's UI puts the token in the path): it must not reach the logs either.
  const codec = await buildCodecServer({ keys: TEST_CODEC_KEYS, token: codecToken, allowedOrigins: [], tokenInPath: true, logger: log.child({ component: 'codec' }) });
  const codecUrl = await codec.listen({ host: '127.0.0.1', port: 0 });
  const secrets: Record<string, string> = {
    'API key': CREDENTIALS.portalApiKey,
    'app secret': CREDENTIALS.appSecret,
    'access token': CREDENTIALS.accessToken,
    'verify token': CREDENTIALS.verifyToken,
    'codec token': codecToken,
    'payload key': TEST_CODEC_KEYS[0]!.key.toString('base64'),
  };
  try {
    await withWhatsApp(
      dev,
      async ({ client, simCall, apiUrl }) => {
        const auth = { authorization: `Bearer ${CREDENTIALS.portalApiKey}`, 'content-type': 'application/json' };
        // 1. A closure posted with the API key; the ATR goes out on WhatsApp.
        const phone = uniqueMobile();
        const closure = makeClosure({ feedbackPolicy: { quietHours: null }, citizen: { name: 'Kamla Devi Saini', phone, language: 'en' } });
        const posted = await fetch(`${apiUrl}/v1/closures`, { method: 'POST', headers: auth, body: JSON.stringify(closure) });
        expect(posted.status).toBe(202);
        const { workflowId } = (await posted.json()) as { workflowId: string };
        const messages = () => simCall<Sent[]>('GET', `/_sim/messages?to=${encodeURIComponent(phone)}`);
        const atrMessage = await eventually(async () => (await messages()).find((m) => m.request.template?.name === TEMPLATES.atrDisposed.name));
        // Its "View ATR" button carries the link page token: opened, and never logged.
        const buttons = (atrMessage.request.template as unknown as { components: { sub_type?: string; parameters: { text?: string }[] }[] }).components;
        const templateToken = buttons.find((c) => c.sub_type === 'url')!.parameters[0]!.text!;
        expect((await fetch(`${apiUrl}/atr/${templateToken}`)).status).toBe(200);
        Object.assign(secrets, { 'ATR link token (template button)': templateToken });

        // 2. The verification link printed in the ATR's QR code, and the PDF behind it.
        const atrId = (await eventually(async () => (await client.workflow.getHandle(workflowId).query(stateQuery)).atr?.atrId))!;
        const pdf = (await createClosureRepository(testPool()).getAtr(atrId))!.bytes;
        const qr = new URL(readAtrQrCode(pdf)!);
        expect((await fetch(`${apiUrl}${qr.pathname}${qr.search}`)).status).toBe(200);
        const document = await fetch(`${apiUrl}/v1/atr/document${qr.search}`);
        expect(document.headers.get('content-type')).toBe('application/pdf');
        Object.assign(secrets, { 'verify URL s=': qr.searchParams.get('s')!, 'verify URL query': qr.search.slice(1) });

        // 3. A tap, a reason, then the comment in a webhook we sign ourselves.
        await simCall('POST', '/_sim/inbound', { from: phone, type: 'button', contextWamid: atrMessage.wamid, index: 1 });
        const list = await eventually(async () => (await messages()).find((m) => m.request.interactive?.type === 'list'));
        const rows = (list.request.interactive as unknown as { action: { sections: { rows: { id: string; title: string }[] }[] } }).action.sections[0]!.rows;
        const reason = rows.find((r) => r.id.endsWith('|NOT_RESOLVED'))!;
        await simCall('POST', '/_sim/inbound', { from: phone, type: 'list_reply', contextWamid: list.wamid, id: reason.id, title: reason.title });
        await eventually(async () => (await messages()).find((m) => (m.request as { type?: string }).type === 'text'));
        const comment = 'Naali abhi bhi band hai, ward 12 mein';
        const waId = phone.replace(/^\+/, '');
        const body = JSON.stringify({
          object: 'whatsapp_business_account',
          entry: [{ id: 'WABA1', changes: [{ field: 'messages', value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550000000', phone_number_id: CREDENTIALS.phoneNumberId },
            contacts: [{ profile: { name: 'Kamla Devi Saini' }, wa_id: waId }],
            messages: [{ from: waId, id: `wamid.LOGTEST${Date.now()}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: comment } }],
          } }] }],
        });
        const signature = `sha256=${createHmac('sha256', CREDENTIALS.appSecret).update(body).digest('hex')}`;
        const signed = await fetch(`${apiUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
        expect(signed.status).toBe(200);
        const escalation = await eventually(async () => (await testPool().query('SELECT comment FROM escalations WHERE workflow_id = $1', [workflowId])).rows[0]);
        expect(escalation).toEqual({ comment });
        Object.assign(secrets, { 'HMAC signature': signature.slice(7), "citizen's name": 'Kamla Devi Saini', "citizen's phone": phone.slice(-10), comment });

        // 4. A number not on WhatsApp: the SMS link, its page and its PDF.
        const other = uniqueMobile();
        await simCall('POST', '/_sim/undeliverable', { add: [other] });
        const second = makeClosure({ feedbackPolicy: { quietHours: null }, citizen: { name: 'Mohan Lal Bairwa', phone: other, language: 'en' } });
        expect((await fetch(`${apiUrl}/v1/closures`, { method: 'POST', headers: { 'x-api-key': CREDENTIALS.portalApiKey, 'content-type': 'application/json' }, body: JSON.stringify(second) })).status).toBe(202);
        const sms = await eventually(async () => (await simCall<SmsRecord[]>('GET', `/_sim/sms?to=${encodeURIComponent(other)}`))[0]);
        const linkToken = /\/atr\/([A-Za-z0-9_-]{22})/.exec(sms.text)![1]!;
        expect((await fetch(`${apiUrl}/atr/${linkToken}`)).status).toBe(200);
        expect((await fetch(`${apiUrl}/atr/${linkToken}/pdf`)).status).toBe(200);
        Object.assign(secrets, { 'ATR link token': linkToken, "second citizen's name": 'Mohan Lal Bairwa', "second citizen's phone": other.slice(-10) });

        // 5. The codec server decodes the closure for a holder of its token, by path and by header.
        const input = (await raw.workflow.getHandle(workflowId).fetchHistory()).events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
        const payloads = JSON.stringify({
          payloads: [{ metadata: Object.fromEntries(Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(input.data!).toString('base64') }],
        });
        const json = { 'content-type': 'application/json', 'x-namespace': 'default' };
        expect((await fetch(`${codecUrl}/t/${codecToken}/decode`, { method: 'POST', headers: json, body: payloads })).status).toBe(200);
        expect((await fetch(`${codecUrl}/decode`, { method: 'POST', headers: { ...json, authorization: `Bearer ${codecToken}` }, body: payloads })).status).toBe(200);

        // 6. Meta's verification handshake, and a wrong token for it.
        const handshake = await fetch(`${apiUrl}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${CREDENTIALS.verifyToken}&hub.challenge=challenge-42`);
        expect(await handshake.text()).toBe('challenge-42');
        expect((await fetch(`${apiUrl}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guessed-verify-token&hub.challenge=1`)).status).toBe(403);
        Object.assign(secrets, { 'guessed verify token': 'guessed-verify-token' });

        for (const id of [workflowId, `atr-${second.grievanceId}-c1`]) await client.workflow.getHandle(id).terminate('test done').catch(() => undefined);
      },
      {},
      { log },
    );
  } finally {
    await codec.close();
    await raw.connection.close();
  }

  // No line holds any value the run used ...
  expect(leaks(lines, secrets)).toEqual([]);
  // ... and not because nothing was logged: requests, the relay, the activities and the codec server were.
  const logged = lines.join('');
  for (const expected of ['incoming request', 'webhook stored', 'ATR sent', 'SMS fallback sent', '/t/:token/decode', '/v1/atr/document?[redacted]', '/webhooks/whatsapp?[redacted]']) {
    expect({ expected, found: logged.includes(expected) }).toEqual({ expected, found: true });
  }
});
