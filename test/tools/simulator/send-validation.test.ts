/** Validation of POST /{phone-number-id}/messages over real HTTP: `to` as Meta reads it, Meta's codes and details. */
import { CITIZEN, CITIZEN_WA_ID, disposedTemplate, reminderTemplate, uploadPdf, useHarness } from './harness';

const harness = useHarness();

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
  const [header, body, link, qr1, qr2] = disposed.template.components;
  const cases: [string, Record<string, unknown>, number, RegExp?][] = [
    ['missing messaging_product', { messaging_product: undefined, to: CITIZEN, ...reminderTemplate() }, 100, /messaging_product/],
    ['missing to', { ...reminderTemplate() }, 100, /\bto\b/],
    ['not a phone number', { to: 'citizen@example', ...reminderTemplate() }, 100, /\bto\b/],
    ['unsupported type', { to: CITIZEN, type: 'image', image: { id: mediaId } }, 131051],
    ['unknown template', { to: CITIZEN, type: 'template', template: { name: 'no_such_template', language: { code: 'hi' } } }, 132001],
    ['template language not approved', { to: CITIZEN, type: 'template', template: { ...reminderTemplate().template, language: { code: 'fr' } } }, 132001],
    ['too few body parameters', { to: CITIZEN, ...withComponents([header, { type: 'body', parameters: [{ type: 'text', text: 'only one' }] }, link]) }, 132000, /body/],
    ['missing document header', { to: CITIZEN, ...withComponents([body, link]) }, 132000, /header/],
    ['unknown media id in the header', { to: CITIZEN, ...withComponents([{ type: 'header', parameters: [{ type: 'document', document: { id: '999999999999' } }] }, body]) }, 131053],
    ['newline in a parameter', { to: CITIZEN, ...withComponents([header, { type: 'body', parameters: [{ type: 'text', text: 'a\nb' }, { type: 'text', text: 'x' }] }]) }, 100, /new-line/],
    ['button index beyond the template’s buttons', { to: CITIZEN, ...withComponents([header, body, link, qr1, { ...qr2, index: '3' }]) }, 131009, /index 3/],
    ['a button of another sub_type than approved at its index', { to: CITIZEN, ...withComponents([header, body, { ...link, sub_type: 'quick_reply' }, qr1, qr2]) }, 131009, /sub_type url/],
    ['a quick reply where the link button is', { to: CITIZEN, ...withComponents([header, body, { ...qr1, index: '0' }]) }, 131009, /index 0/],
    ['the link button left out', { to: CITIZEN, ...withComponents([header, body, qr1, qr2]) }, 132000, /button at index 0/],
    ['the link button without its parameter', { to: CITIZEN, ...withComponents([header, body, { ...link, parameters: [] }, qr1, qr2]) }, 132000, /button at index 0/],
    ['the link button with an empty suffix', { to: CITIZEN, ...withComponents([header, body, { ...link, parameters: [{ type: 'text', text: '' }] }, qr1, qr2]) }, 131008, /URL suffix/],
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
