/**
 * The citizen's replies over real HTTP (POST /_sim/inbound): quick-reply taps, list rows, reply buttons,
 * text and voice notes as Meta's inbound webhooks, and the actions the simulator refuses.
 */
import { TEMPLATE_TEXT, TEMPLATES } from '../../../messaging/whatsapp/protocol';
import { CITIZEN, CITIZEN_WA_ID, TOKEN, reminderTemplate, sendTemplate, useHarness, verify } from './harness';

const harness = useHarness();

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

test('refuses a tap on another number’s message', async () => {
  const t = await harness();
  const wamid = await sendTemplate(t);
  expect((await t.call('POST', '/_sim/inbound', { from: '+919812345678', type: 'button', contextWamid: wamid, index: 0 })).status).toBe(400);
});

test('refuses a button tap with neither payload nor context', async () => {
  const t = await harness();
  await sendTemplate(t);
  expect((await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'button' })).status).toBe(400);
});

test('takes a button tap with payload and text but no context', async () => {
  const t = await harness();
  await sendTemplate(t);
  expect((await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'button', payload: 'FB|atr-x-c1|SATISFIED', text: 'Satisfied' })).status).toBe(200);
});
