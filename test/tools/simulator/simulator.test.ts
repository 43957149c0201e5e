/**
 * The WhatsApp Cloud API / SMS gateway simulator over real HTTP: Meta's envelopes and error codes, signed
 * webhooks in order, redelivery, the citizen's replies, /_sim records and controls, the SMS gateway and
 * fault injection. Each test runs its own simulator and webhook receiver on ephemeral ports.
 */
import { TEMPLATE_TEXT, TEMPLATES, type StatusUpdate } from '../../../messaging/whatsapp/protocol';
import { CITIZEN, CITIZEN_WA_ID, PDF, PHONE_NUMBER_ID, TOKEN, disposedTemplate, eventually, reminderTemplate, startHarness, verify, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
  h = await startHarness(...args);
  return h;
}

/** Uploads the test PDF and returns its media id. */
async function uploadPdf(t: Harness): Promise<string> {
  const res = await t.upload(PDF, 'application/pdf');
  expect(res.status).toBe(200);
  return res.json.id;
}

/** Sends the disposed template to the citizen; returns its wamid. */
async function sendTemplate(t: Harness, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.send({ to: CITIZEN, ...disposedTemplate(await uploadPdf(t)), ...extra });
  expect(res.status).toBe(200);
  return res.json.messages[0].id;
}

const statusesOf = (t: Harness, wamid: string) => t.receiver.statuses().filter((s) => s.id === wamid);

describe('Graph API: media', () => {
  test('stores an uploaded PDF under a numeric id, describes it and serves it at an authenticated URL', async () => {
    const t = await harness();
    const id = await uploadPdf(t);
    expect(id).toMatch(/^\d{12,}$/);

    const info = await t.graph('GET', `/v25.0/${id}`);
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({ messaging_product: 'whatsapp', mime_type: 'application/pdf', file_size: PDF.length, id });
    expect(info.json.sha256).toMatch(/^[0-9a-f]{64}$/);

    const withToken = await fetch(info.json.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(withToken.status).toBe(200);
    expect(Buffer.from(await withToken.arrayBuffer()).equals(PDF)).toBe(true);
    expect((await fetch(info.json.url)).status).toBe(401);
  });

  test('refuses an unsupported type and bytes that do not match the declared type with 131053', async () => {
    const t = await harness();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    const mismatch = await t.upload(png, 'application/pdf');
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.error.code).toBe(131053);
    const unsupported = await t.upload(Buffer.from('PK\u0003\u0004zip'), 'application/zip', 'x.zip');
    expect(unsupported.json.error.code).toBe(131053);
    const partDisagrees = await t.upload(PDF, 'application/pdf', 'ATR.pdf', 'image/png');
    expect(partDisagrees.json.error.code).toBe(131053);
  });

  test('answers Graph error 100 for an unknown media id and 190 without a token', async () => {
    const t = await harness();
    const unknown = await t.graph('GET', '/v25.0/123456789012345');
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 100, type: 'OAuthException' });
    const noToken = await t.graph('GET', '/v25.0/123456789012345', undefined, null);
    expect(noToken.status).toBe(401);
    expect(noToken.json.error.code).toBe(190);
  });
});

describe('Graph API: sending', () => {
  test('accepts a template with a document header and reports sent, delivered, then read (on opening the chat), signed and in order', async () => {
    const t = await harness();
    const mediaId = await uploadPdf(t);
    const res = await t.send({ to: CITIZEN, biz_opaque_callback_data: 'grievance=SAMPARK-2026-000123;cycle=1', ...disposedTemplate(mediaId) });

    expect(res.status).toBe(200);
    expect(res.json).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: CITIZEN, wa_id: CITIZEN_WA_ID }], messages: [{ id: expect.stringMatching(/^wamid\./) }] });
    const wamid: string = res.json.messages[0].id;

    await t.receiver.waitFor(() => statusesOf(t, wamid).length === 2);
    // Not read until the citizen opens the chat.
    await new Promise((r) => setTimeout(r, 80));
    expect(statusesOf(t, wamid).map((s) => s.status)).toEqual(['sent', 'delivered']);
    const page = await t.call('GET', `/phone/${encodeURIComponent(CITIZEN)}`);
    expect(page.status).toBe(200);
    await t.receiver.waitFor(() => statusesOf(t, wamid).length === 3);

    const [sent, delivered, read] = statusesOf(t, wamid) as [StatusUpdate, StatusUpdate, StatusUpdate];
    expect([sent.status, delivered.status, read.status]).toEqual(['sent', 'delivered', 'read']);
    for (const s of [sent, delivered, read]) {
      expect(s).toMatchObject({ id: wamid, recipient_id: CITIZEN_WA_ID, biz_opaque_callback_data: 'grievance=SAMPARK-2026-000123;cycle=1' });
      expect(s.timestamp).toMatch(/^\d{10}$/);
    }
    expect(sent.pricing).toEqual({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' });
    expect(delivered.pricing).toEqual(sent.pricing);
    expect(read.pricing).toBeUndefined();

    for (const hook of t.receiver.hooks) {
      expect(hook.signatureValid).toBe(true);
      expect(hook.headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(hook.headers['content-type']).toBe('application/json');
      expect(hook.body).toMatchObject({
        object: 'whatsapp_business_account',
        entry: [{ id: expect.any(String), changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: PHONE_NUMBER_ID, display_phone_number: expect.stringMatching(/^\d+$/) } } }] }],
      });
    }
  });

  test('normalises `to` as Meta does: digits as wa_id, input echoed', async () => {
    const t = await harness();
    for (const input of ['+91 98765-43210', '919876543210', '9876543210', '+91 (98765) 43210']) {
      const res = await t.send({ to: input, ...reminderTemplate() });
      expect(res.json.contacts).toEqual([{ input, wa_id: CITIZEN_WA_ID }]);
    }
  });

  test('answers each validation failure with Meta’s code and error envelope', async () => {
    const t = await harness();
    const mediaId = await uploadPdf(t);
    const disposed = disposedTemplate(mediaId);
    const withComponents = (components: unknown[]) => ({ type: 'template', template: { ...disposed.template, components } });
    const [header, body, qr0] = disposed.template.components;
    const cases: [string, Record<string, unknown>, number, RegExp?][] = [
      ['missing messaging_product', { messaging_product: undefined, to: CITIZEN, ...reminderTemplate() }, 100, /messaging_product/],
      ['missing to', { ...reminderTemplate() }, 100, /\bto\b/],
      ['not a phone number', { to: 'citizen@example', ...reminderTemplate() }, 100, /\bto\b/],
      ['unsupported type', { to: CITIZEN, type: 'image', image: { id: mediaId } }, 131051],
      ['unknown template', { to: CITIZEN, type: 'template', template: { name: 'no_such_template', language: { code: 'hi' } } }, 132001],
      ['template language not approved', { to: CITIZEN, type: 'template', template: { ...reminderTemplate().template, language: { code: 'fr' } } }, 132001],
      ['too few body parameters', { to: CITIZEN, ...withComponents([header, { type: 'body', parameters: [{ type: 'text', text: 'only one' }] }, qr0]) }, 132000, /body/],
      ['missing document header', { to: CITIZEN, ...withComponents([body, qr0]) }, 132000, /header/],
      ['unknown media id in the header', { to: CITIZEN, ...withComponents([{ type: 'header', parameters: [{ type: 'document', document: { id: '999999999999' } }] }, body]) }, 131053],
      ['newline in a parameter', { to: CITIZEN, ...withComponents([header, { type: 'body', parameters: [{ type: 'text', text: 'a\nb' }, { type: 'text', text: 'x' }] }]) }, 100, /new-line/],
      ['quick reply index out of range', { to: CITIZEN, ...withComponents([header, body, { ...qr0, index: '2' }]) }, 100, /index/],
    ];
    for (const [name, request, code, details] of cases) {
      const res = await t.send(request);
      expect({ name, status: res.status, code: res.json.error?.code }).toEqual({ name, status: 400, code });
      expect(res.json.error).toEqual({
        message: expect.stringMatching(new RegExp(`^\\(#${code}\\) .+`)),
        type: 'OAuthException',
        code,
        error_data: { messaging_product: 'whatsapp', details: expect.stringMatching(details ?? /./) },
        fbtrace_id: expect.stringMatching(/^\S{10,}$/),
      });
    }
    const badToken = await t.graph('POST', `/v25.0/${PHONE_NUMBER_ID}/messages`, { messaging_product: 'whatsapp', to: CITIZEN, ...reminderTemplate() }, 'wrong-token');
    expect(badToken.status).toBe(401);
    expect(badToken.json.error.code).toBe(190);
    const otherNumber = await t.graph('POST', '/v25.0/555/messages', { messaging_product: 'whatsapp', to: CITIZEN, ...reminderTemplate() });
    expect(otherNumber.json.error.code).toBe(100);
  });

  test('enforces the interactive limits with error 100 naming the field', async () => {
    const t = await harness();
    await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'text', text: 'hello' });
    const buttons = (titles: string[]) => ({ type: 'interactive', interactive: { type: 'button', body: { text: 'Choose' }, action: { buttons: titles.map((title, i) => ({ type: 'reply', reply: { id: `b${i}`, title } })) } } });
    const list = (rows: { id: string; title: string; description?: string }[], extra: Record<string, unknown> = {}) => ({
      type: 'interactive',
      interactive: { type: 'list', body: { text: 'Why?' }, action: { button: 'Reasons', sections: [{ title: 'Reasons', rows }], ...extra } },
    });
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, title: `Reason ${i}` }));
    const cases: [Record<string, unknown>, RegExp][] = [
      [buttons(['A', 'B', 'C', 'D']), /buttons/],
      [buttons(['This title is too long!']), /\['reply'\]\['title'\]/],
      [buttons(['Same', 'Same']), /\['title'\].*unique/],
      [list(rows(11)), /sections/],
      [list([{ id: 'r', title: 'A row title longer than 24 chars' }]), /\['rows'\]\[0\]\['title'\]/],
      [list([{ id: 'r', title: 'ok', description: 'd'.repeat(73) }]), /\['description'\]/],
      [{ type: 'interactive', interactive: { type: 'list', body: { text: 'x' }, action: { button: 'A button text over 20', sections: [{ title: 'S', rows: rows(1) }] } } }, /\['action'\]\['button'\]/],
      [{ type: 'interactive', interactive: { type: 'list', body: { text: 'x'.repeat(4097) }, action: { button: 'B', sections: [{ title: 'S', rows: rows(1) }] } } }, /\['body'\]\['text'\]/],
      [{ type: 'text', text: { body: '' } }, /\['body'\]/],
      [{ type: 'text', text: { body: 'hi', bogus: true } }, /Unexpected key "bogus"/],
    ];
    for (const [request, details] of cases) {
      const res = await t.send({ to: CITIZEN, ...request });
      expect({ code: res.json.error?.code, details: res.json.error?.error_data.details }).toEqual({ code: 100, details: expect.stringMatching(details) });
    }
    expect((await t.send({ to: CITIZEN, ...list(rows(10)) })).status).toBe(200);
    expect((await t.send({ to: CITIZEN, ...buttons(['संतुष्ट', 'असंतुष्ट', 'Later']) })).status).toBe(200);
  });

  test('rejects free-form messages outside the 24-hour customer service window with 131047; an inbound message opens it', async () => {
    let clock = Date.parse('2026-11-01T10:00:00Z');
    const t = await harness({ now: () => clock });
    const text = { type: 'text', text: { body: 'Thank you for your feedback.' } };
    expect((await t.send({ to: CITIZEN, ...text })).json.error.code).toBe(131047);
    expect((await t.send({ to: CITIZEN, ...reminderTemplate() })).status).toBe(200);

    await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'text', text: 'नमस्ते' });
    expect((await t.send({ to: CITIZEN, ...text })).status).toBe(200);
    clock += 24 * 60 * 60 * 1000 - 1000;
    expect((await t.send({ to: CITIZEN, ...text })).status).toBe(200);
    clock += 2000;
    const late = await t.send({ to: CITIZEN, ...text });
    expect(late.status).toBe(400);
    expect(late.json.error.code).toBe(131047);
  });

  test('limits throughput per second with 130429 (HTTP 429)', async () => {
    let clock = Date.parse('2026-11-01T10:00:00Z');
    const t = await harness({ now: () => clock, throughputPerSecond: 3, pairRate: false });
    for (let i = 0; i < 3; i++) expect((await t.send({ to: `+9198765432${10 + i}`, ...reminderTemplate() })).status).toBe(200);
    const over = await t.send({ to: '+919876543299', ...reminderTemplate() });
    expect(over.status).toBe(429);
    expect(over.json.error.code).toBe(130429);
    clock += 1000;
    expect((await t.send({ to: '+919876543299', ...reminderTemplate() })).status).toBe(200);
  });

  test('limits the pair rate per recipient with 131056 after the burst, leaving other recipients alone', async () => {
    let clock = Date.parse('2026-11-01T10:00:00Z');
    const t = await harness({ now: () => clock, pairRate: { intervalMs: 6000, burst: 2 } });
    expect((await t.send({ to: CITIZEN, ...reminderTemplate() })).status).toBe(200);
    expect((await t.send({ to: CITIZEN, ...reminderTemplate() })).status).toBe(200);
    const over = await t.send({ to: CITIZEN, ...reminderTemplate() });
    expect(over.status).toBe(429);
    expect(over.json.error.code).toBe(131056);
    expect((await t.send({ to: '+919812345678', ...reminderTemplate() })).status).toBe(200);
    clock += 6000;
    expect((await t.send({ to: CITIZEN, ...reminderTemplate() })).status).toBe(200);
  });

  test('accepts a message to a number not on WhatsApp, then reports failed with 131026', async () => {
    const t = await harness({ undeliverableNumbers: ['+91 99999 00000'] });
    const res = await t.send({ to: '+919999900000', biz_opaque_callback_data: 'g1', ...reminderTemplate() });
    expect(res.status).toBe(200);
    const wamid: string = res.json.messages[0].id;
    const failed = await t.receiver.waitFor(() => statusesOf(t, wamid).find((s) => s.status === 'failed'));
    expect(failed).toMatchObject({
      recipient_id: '919999900000',
      biz_opaque_callback_data: 'g1',
      errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: expect.any(String) } }],
    });
    await new Promise((r) => setTimeout(r, 80));
    expect(statusesOf(t, wamid).map((s) => s.status)).toEqual(['failed']);
  });

  test('marks an inbound message read for the business (status: read) with {success: true}', async () => {
    const t = await harness();
    const { json } = await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'text', text: 'hello' });
    expect((await t.send({ status: 'read', message_id: json.wamid })).json).toEqual({ success: true });
    expect((await t.send({ status: 'read', message_id: 'wamid.unknown' })).json.error.code).toBe(100);
  });
});

describe('webhook delivery', () => {
  test('redelivers a webhook our server answered with 500, with the same signed bytes, and logs each attempt', async () => {
    const t = await harness({}, (n) => (n === 0 ? 500 : 200));
    const wamid = await sendTemplate(t);
    await t.receiver.waitFor(() => t.receiver.statuses().filter((s) => s.id === wamid).length >= 2);

    // The retried `sent` may arrive after `delivered`: Meta retries each webhook on its own.
    const [first, ...later] = t.receiver.hooks;
    expect(first!.answered).toBe(500);
    const retry = later.find((x) => x.raw.equals(first!.raw));
    expect(retry).toMatchObject({ answered: 200, signatureValid: true });
    const log = await t.call('GET', `/_sim/webhooks?wamid=${encodeURIComponent(wamid)}`);
    const sent = log.json.find((d: { statuses: string[] }) => d.statuses[0] === 'sent');
    expect(sent).toMatchObject({ kind: 'statuses', state: 'delivered', wamids: [wamid] });
    expect(sent.attempts.map((a: { status: number }) => a.status)).toEqual([500, 200]);
  });

  test('gives up after the bounded retry schedule and records the failure', async () => {
    const t = await harness({ statusDelaysMs: { sent: 0, delivered: 10_000, read: 10_000 } }, () => 503);
    const wamid = await sendTemplate(t);
    const delivery = await eventually(() => t.sim.state.deliveries.find((d) => d.wamids.includes(wamid) && d.state === 'failed'));
    expect(delivery.attempts.map((a) => a.status)).toEqual([503, 503, 503]);
    expect(t.receiver.hooks).toHaveLength(3);
  });

  test('retries when our server is unreachable, without delaying API answers', async () => {
    const t = await harness({ webhookUrl: 'http://127.0.0.1:9/unreachable', statusDelaysMs: { sent: 0, delivered: 0, read: 0 } });
    const started = Date.now();
    const wamid = await sendTemplate(t);
    expect(Date.now() - started).toBeLessThan(1000);
    const delivery = await eventually(() => t.sim.state.deliveries.find((d) => d.wamids.includes(wamid) && d.state === 'failed'));
    expect(delivery.attempts).toHaveLength(3);
    expect(delivery.attempts.every((a) => a.error && a.status === undefined)).toBe(true);
  });

  test('chaos: every webhook twice, and read before delivered', async () => {
    const t = await harness({ autoRead: true });
    await t.call('POST', '/_sim/chaos', { duplicateWebhooks: true, statusOrder: 'read-before-delivered' });
    const wamid = await sendTemplate(t);
    await t.receiver.waitFor(() => statusesOf(t, wamid).length === 6);
    expect(statusesOf(t, wamid).map((s) => s.status)).toEqual(['sent', 'sent', 'read', 'read', 'delivered', 'delivered']);
    expect(t.receiver.hooks.every((x) => x.signatureValid)).toBe(true);
  });

  test('chaos: delivered omitted when read arrives with it (read then carries the pricing)', async () => {
    const t = await harness({ chaos: { statusOrder: 'delivered-omitted' } });
    const wamid = await sendTemplate(t);
    await t.receiver.waitFor(() => statusesOf(t, wamid).length === 2);
    await new Promise((r) => setTimeout(r, 80));
    const statuses = statusesOf(t, wamid);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'read']);
    expect(statuses[1]!.pricing).toMatchObject({ category: 'utility' });
  });

  test('close() stops pending retries and status timers', async () => {
    const t = await harness({ webhookRetry: { delaysMs: [100, 100, 100], timeoutMs: 1000 }, statusDelaysMs: { sent: 0, delivered: 300, read: 0 } }, () => 500);
    await sendTemplate(t);
    await t.receiver.waitFor(() => t.receiver.hooks.length >= 1);
    await t.sim.close();
    const seen = t.receiver.hooks.length;
    await new Promise((r) => setTimeout(r, 450));
    expect(t.receiver.hooks.length).toBe(seen);
  });
});

describe('the citizen', () => {
  test('a quick-reply tap sends a type "button" webhook with the send’s payload, the label and context.id', async () => {
    const t = await harness();
    const wamid = await sendTemplate(t);
    const tap = await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'button', contextWamid: wamid, index: 1 });
    expect(tap.status).toBe(200);
    const message = await t.receiver.waitFor(() => t.receiver.messages()[0]);

    expect(message).toEqual({
      context: { from: expect.stringMatching(/^\d+$/), id: wamid },
      from: CITIZEN_WA_ID,
      id: tap.json.wamid,
      timestamp: expect.stringMatching(/^\d{10}$/),
      type: 'button',
      button: { payload: 'FB|atr-SAMPARK-2026-000123-c1|NOT_SATISFIED', text: TEMPLATE_TEXT[TEMPLATES.atrDisposed.name]!.hi.buttons[1] },
    });
    const hook = t.receiver.hooks.find((x) => x.body.entry[0]!.changes[0]!.value.messages)!;
    expect(hook.body.entry[0]!.changes[0]!.value.contacts).toEqual([{ profile: { name: expect.any(String) }, wa_id: CITIZEN_WA_ID }]);
    // Meta escapes non-ASCII; only the raw bytes verify, not a re-serialisation.
    expect(hook.raw.toString('latin1')).toMatch(/\\u09[0-7][0-9a-f]/);
    expect(verify(Buffer.from(JSON.stringify(hook.body)), hook.headers['x-hub-signature-256'])).toBe(false);
  });

  test('a quick-reply tap on a template sent without payloads returns the label as payload', async () => {
    const t = await harness();
    const res = await t.send({ to: CITIZEN, ...reminderTemplate() });
    await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'button', contextWamid: res.json.messages[0].id, index: 0 });
    const message = await t.receiver.waitFor(() => t.receiver.messages()[0]);
    expect(message).toMatchObject({ type: 'button', button: { payload: 'Satisfied', text: 'Satisfied' } });
  });

  test('list rows, reply buttons, text replies and voice notes arrive in Meta’s shapes; a reply opens the window', async () => {
    const t = await harness();
    const template = await sendTemplate(t);
    await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'button', contextWamid: template, index: 1 });
    const list = await t.send({
      to: CITIZEN,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'कृपया कारण चुनें' },
        action: { button: 'कारण', sections: [{ title: 'कारण', rows: [{ id: 'REASON|atr-x-c1|NO_ACTION', title: 'कोई कार्यवाही नहीं', description: 'समस्या जस की तस' }] }] },
      },
    });
    expect(list.status).toBe(200);
    const listWamid = list.json.messages[0].id;
    const buttons = await t.send({ to: CITIZEN, type: 'interactive', interactive: { type: 'button', body: { text: 'Comment?' }, action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] } } });
    const buttonsWamid = buttons.json.messages[0].id;

    await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'list_reply', contextWamid: listWamid, id: 'REASON|atr-x-c1|NO_ACTION' });
    await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'button_reply', contextWamid: buttonsWamid, index: 0 });
    await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'text', text: 'पानी नहीं आ रहा', contextWamid: template });
    const voice = await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'audio' });
    const messages = await t.receiver.waitFor(() => (t.receiver.messages().length === 5 ? t.receiver.messages() : undefined));

    expect(messages[1]).toMatchObject({
      type: 'interactive',
      context: { id: listWamid },
      interactive: { type: 'list_reply', list_reply: { id: 'REASON|atr-x-c1|NO_ACTION', title: 'कोई कार्यवाही नहीं', description: 'समस्या जस की तस' } },
    });
    expect(messages[2]).toMatchObject({ type: 'interactive', context: { id: buttonsWamid }, interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } } });
    expect(messages[3]).toMatchObject({ type: 'text', context: { id: template }, text: { body: 'पानी नहीं आ रहा' } });
    expect(messages[4]).toMatchObject({ id: voice.json.wamid, type: 'audio', audio: { mime_type: 'audio/ogg; codecs=opus', voice: true, id: expect.stringMatching(/^\d+$/) } });

    const audio = (messages[4] as { audio: { id: string } }).audio;
    const info = await t.graph('GET', `/v25.0/${audio.id}`);
    const bytes = Buffer.from(await (await fetch(info.json.url, { headers: { authorization: `Bearer ${TOKEN}` } })).arrayBuffer());
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(bytes.includes(Buffer.from('OpusHead'))).toBe(true);
  });

  test('the phone page shows the template in the citizen’s language with the document and stable test ids, self-contained', async () => {
    const t = await harness();
    const mediaId = await uploadPdf(t);
    const sent = await t.send({ to: CITIZEN, ...disposedTemplate(mediaId) });
    await t.graph('POST', '/sms/v1/messages', { to: CITIZEN, sender: 'RJSMPK', text: 'ATR: https://atr.example/v1/atr/verify?g=1&atr=2', reference: 'ref-1' });
    const page = await t.call('GET', `/phone/${encodeURIComponent(CITIZEN)}`);

    expect(page.status).toBe(200);
    const html: string = page.json;
    expect(html).toContain('आपकी शिकायत SAMPARK-2026-000123 का निस्तारण PHED द्वारा');
    expect(html).toContain(`data-wamid="${sent.json.messages[0].id}"`);
    expect(html).toContain('data-testid="quick-reply-0"');
    expect(html).toContain('data-testid="quick-reply-1"');
    expect(html).toContain(`href="/phone/media/${mediaId}"`);
    expect(html).toContain('data-testid="sms"');
    expect(html).toContain('<a href="https://atr.example/v1/atr/verify?g=1&#38;atr=2"');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']https?:/);
    const pdf = await fetch(`${t.base}/phone/media/${mediaId}`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
  });

  test('/_sim/inbound refuses a tap on another number’s message and a button without payload or context', async () => {
    const t = await harness();
    const wamid = await sendTemplate(t);
    expect((await t.call('POST', '/_sim/inbound', { from: '+919812345678', type: 'button', contextWamid: wamid, index: 0 })).status).toBe(400);
    expect((await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'button' })).status).toBe(400);
    expect((await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'button', payload: 'FB|atr-x-c1|SATISFIED', text: 'Satisfied' })).status).toBe(200);
  });
});

describe('/_sim records and controls', () => {
  test('/_sim/messages lists every send to a number oldest first, rejected ones with their error and no wamid', async () => {
    const t = await harness();
    const wamid = await sendTemplate(t);
    const rejected = await t.send({ to: '+91 98765 43210', type: 'text', text: { body: 'outside the window' } });
    await t.receiver.waitFor(() => statusesOf(t, wamid).length === 2);

    const { json } = await t.call('GET', `/_sim/messages?to=${encodeURIComponent(CITIZEN)}`);
    expect(json).toHaveLength(2);
    expect(json[0]).toMatchObject({ wamid, request: { to: CITIZEN, type: 'template' }, response: { messages: [{ id: wamid }] } });
    expect(json[0].statuses.map((s: StatusUpdate) => s.status)).toEqual(['sent', 'delivered']);
    expect(Date.parse(json[0].receivedAt)).not.toBeNaN();
    expect(json[1].wamid).toBeUndefined();
    expect(json[1].response).toEqual(rejected.json);
    expect((await t.call('GET', '/_sim/messages?to=919876543210')).json).toHaveLength(2);
  });

  test('/_sim/reset forgets messages, media and faults', async () => {
    const t = await harness();
    const mediaId = await uploadPdf(t);
    await t.send({ to: CITIZEN, ...reminderTemplate() });
    await t.call('POST', '/_sim/faults', { rules: [{ http: 503 }] });
    expect((await t.call('POST', '/_sim/reset')).status).toBe(200);
    expect((await t.call('GET', `/_sim/messages?to=${CITIZEN}`)).json).toEqual([]);
    expect((await t.graph('GET', `/v25.0/${mediaId}`)).json.error.code).toBe(100);
    expect((await t.call('GET', '/_sim/faults')).json.rules).toEqual([]);
    expect((await t.call('GET', '/_sim/healthz')).json).toEqual({ status: 'ok' });
  });
});

describe('SMS gateway', () => {
  const sms = (t: Harness, body: Record<string, unknown>, token: string | null = TOKEN) => t.graph('POST', '/sms/v1/messages', { to: CITIZEN, sender: 'RJSMPK', text: 'Your ATR: https://atr.example/a', reference: 'r-1', ...body }, token);

  test('accepts an Indian mobile with 202, once per reference, and lists it', async () => {
    const t = await harness();
    const first = await sms(t, {});
    expect(first.status).toBe(202);
    expect(first.json).toEqual({ id: expect.stringMatching(/^sms-/), status: 'accepted' });
    const again = await sms(t, { text: 'a retry' });
    expect(again).toEqual(first);
    const listed = (await t.call('GET', `/_sim/sms?to=${encodeURIComponent(CITIZEN)}`)).json;
    expect(listed).toEqual([{ id: first.json.id, to: CITIZEN, sender: 'RJSMPK', text: 'Your ATR: https://atr.example/a', reference: 'r-1', receivedAt: expect.any(String) }]);
  });

  test('rejects a non-Indian or malformed number, a bad body and a wrong token', async () => {
    const t = await harness();
    for (const to of ['+14155550100', '919876543210', '+91123456789']) {
      const res = await sms(t, { to, reference: `r-${to}` });
      expect({ to, status: res.status, json: res.json }).toEqual({ to, status: 400, json: { error: { code: 'invalid_number', message: expect.any(String) } } });
    }
    expect((await sms(t, { text: '' })).json.error.code).toBe('bad_request');
    const unauthorized = await sms(t, {}, 'nope');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.json.error.code).toBe('unauthorized');
  });
});

describe('fault injection', () => {
  test('answers a plain 503 (Graph code 2) once, then recovers', async () => {
    const t = await harness();
    await t.call('POST', '/_sim/faults', { rules: [{ endpoint: 'messages', http: 503, count: 1 }] });
    const failed = await t.send({ to: CITIZEN, ...reminderTemplate() });
    expect(failed.status).toBe(503);
    expect(failed.json.error.code).toBe(2);
    expect((await t.send({ to: CITIZEN, ...reminderTemplate() })).status).toBe(200);
    expect((await t.call('GET', '/_sim/faults')).json.rules[0]).toMatchObject({ hits: 1, remaining: 0 });
  });

  test('answers a chosen Graph code for one recipient only', async () => {
    const t = await harness();
    await t.call('POST', '/_sim/faults', { rules: [{ to: CITIZEN, code: 131000 }] });
    const failed = await t.send({ to: '919876543210', ...reminderTemplate() });
    expect(failed.status).toBe(500);
    expect(failed.json.error).toMatchObject({ code: 131000, message: '(#131000) Something went wrong' });
    expect((await t.send({ to: '+919812345678', ...reminderTemplate() })).status).toBe(200);
    await t.call('DELETE', '/_sim/faults');
    expect((await t.send({ to: CITIZEN, ...reminderTemplate() })).status).toBe(200);
  });

  test('delays the answer past our client’s timeout, and the message is still sent', async () => {
    const t = await harness();
    await t.call('POST', '/_sim/faults', { rules: [{ endpoint: 'messages', timeoutMs: 400, count: 1 }] });
    const request = fetch(`${t.base}/v25.0/${PHONE_NUMBER_ID}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: CITIZEN, ...reminderTemplate() }),
      signal: AbortSignal.timeout(100),
    });
    await expect(request).rejects.toThrow();
    const accepted = await eventually(() => t.sim.state.messagesFor(CITIZEN).find((m) => m.wamid));
    expect(accepted.response).toMatchObject({ messages: [{ id: accepted.wamid }] });
  });

  test('targets media uploads and the SMS gateway', async () => {
    const t = await harness();
    await t.call('POST', '/_sim/faults', { rules: [{ endpoint: 'media', code: 131053, count: 1 }, { endpoint: 'sms', http: 500 }] });
    expect((await t.upload(PDF, 'application/pdf')).json.error.code).toBe(131053);
    expect((await t.upload(PDF, 'application/pdf')).status).toBe(200);
    const sms = await t.graph('POST', '/sms/v1/messages', { to: CITIZEN, sender: 'RJSMPK', text: 'x', reference: 'r' });
    expect(sms.status).toBe(500);
    expect(t.sim.state.smsFor(CITIZEN)).toEqual([]);
  });
});
