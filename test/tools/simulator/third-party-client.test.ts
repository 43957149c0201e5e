/**
 * A Cloud API client we do not write ourselves drives the simulator: Kapso's @kapso/whatsapp-cloud-api,
 * with its base URL pointed at the simulator, uploads a PDF and sends our disposed template and a document
 * message. If the simulator only understood our own client's dialect, this would fail.
 */
import type * as Kapso from '@kapso/whatsapp-cloud-api' with { 'resolution-mode': 'import' };
import { CITIZEN, CITIZEN_WA_ID, PDF, PHONE_NUMBER_ID, TOKEN, statusesOf, useHarness, type Harness } from './harness';

// The package ships CommonJS (exports.require), which Jest loads; only its type declarations are ESM.
const { GraphApiError, WhatsAppClient, buildTemplateSendPayload } = require('@kapso/whatsapp-cloud-api') as typeof Kapso;

const harness = useHarness();

const clientFor = (t: Harness, accessToken = TOKEN) => new WhatsAppClient({ baseUrl: t.base, graphVersion: 'v25.0', accessToken });

test('uploads a PDF, then sends the disposed template with it and a document message', async () => {
  const t = await harness();
  const client = clientFor(t);
  const { id: mediaId } = await client.media.upload({ phoneNumberId: PHONE_NUMBER_ID, type: 'application/pdf', file: new Blob([PDF], { type: 'application/pdf' }), fileName: 'ATR-SAMPARK-1.pdf' });
  expect(mediaId).toMatch(/^\d+$/);

  const template = buildTemplateSendPayload({
    name: 'sampark_atr_disposed_v2',
    language: 'hi',
    header: { type: 'document', document: { id: mediaId } },
    body: [
      { type: 'text', text: 'SAMPARK-2026-000123' },
      { type: 'text', text: 'PHED' },
    ],
    buttons: [
      { type: 'button', subType: 'url', index: 0, parameters: [{ type: 'text', text: 'Tk9UX0FfUkVBTF9UT0tFTg' }] },
      { type: 'button', subType: 'quick_reply', index: 1, parameters: [{ type: 'payload', payload: 'FB|atr-1|SATISFIED' }] },
      { type: 'button', subType: 'quick_reply', index: 2, parameters: [{ type: 'payload', payload: 'FB|atr-1|NOT_SATISFIED' }] },
    ],
  });
  // The payload builder's and the sender's types disagree on components (an index signature); the shape is Meta's.
  const sent = await client.messages.sendTemplate({ phoneNumberId: PHONE_NUMBER_ID, to: CITIZEN, template: { ...template, components: template.components?.map((c) => ({ ...c })) } });
  // The client hands the send response back as Meta wrote it (snake_case), whatever its types say.
  expect(sent as unknown).toMatchObject({ messaging_product: 'whatsapp', contacts: [{ input: CITIZEN, wa_id: CITIZEN_WA_ID }] });
  const templateWamid = sent.messages[0]!.id;
  await t.receiver.waitFor(() => statusesOf(t, templateWamid).find((s) => s.status === 'delivered'));

  // The citizen taps a quick reply: the window opens, so a document message may follow.
  await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'button', contextWamid: templateWamid, index: 1 });
  const doc = await client.messages.sendDocument({ phoneNumberId: PHONE_NUMBER_ID, to: CITIZEN, document: { id: mediaId, filename: 'ATR-SAMPARK-1.pdf', caption: 'Your report' } });
  const docWamid = doc.messages[0]!.id;
  await t.receiver.waitFor(() => statusesOf(t, docWamid).find((s) => s.status === 'delivered'));

  const records = t.sim.state.messagesFor(CITIZEN);
  expect(records.map((r) => (r.request as { type: string }).type)).toEqual(['template', 'document']);
  const html: string = (await t.call('GET', `/phone/${encodeURIComponent(CITIZEN)}`)).json;
  expect(html.match(new RegExp(`href="/phone/media/${mediaId}"`, 'g'))).toHaveLength(2);
});

test('surfaces the simulator’s Graph errors through the client’s own error type', async () => {
  const t = await harness();
  await t.call('POST', '/_sim/faults', { rules: [{ endpoint: 'messages', code: 190 }] });
  const failure = await clientFor(t)
    .messages.sendText({ phoneNumberId: PHONE_NUMBER_ID, to: CITIZEN, body: 'hello' })
    .then(
      () => undefined,
      (err: unknown) => err,
    );
  expect(failure).toBeInstanceOf(GraphApiError);
  expect(failure).toMatchObject({ code: 190, httpStatus: 401 });
});
