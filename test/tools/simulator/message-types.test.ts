/** Document and reaction messages over real HTTP: accepted in the window, shown on the phone, failed as Meta fails them. */
import { CITIZEN, statusesOf, uploadPdf, useHarness } from './harness';

const harness = useHarness();

test('sends a document message by media id inside the window and shows it on the phone with its caption', async () => {
  const t = await harness();
  const mediaId = await uploadPdf(t);
  await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'text', text: 'please send the report again' });
  const res = await t.send({ to: CITIZEN, type: 'document', document: { id: mediaId, filename: 'ATR-SAMPARK-1.pdf', caption: 'Your report' } });
  expect(res.status).toBe(200);
  const wamid: string = res.json.messages[0].id;
  await t.receiver.waitFor(() => statusesOf(t, wamid).find((s) => s.status === 'delivered'));
  const html: string = (await t.call('GET', `/phone/${encodeURIComponent(CITIZEN)}`)).json;
  expect(html).toContain(`data-wamid="${wamid}" data-type="document"`);
  expect(html).toContain(`href="/phone/media/${mediaId}"`);
  expect(html).toContain('ATR-SAMPARK-1.pdf');
  expect(html).toContain('Your report');
});

test('refuses a document without id or link, or with an unknown media id, synchronously', async () => {
  const t = await harness();
  const missing = await t.send({ to: CITIZEN, type: 'document', document: { filename: 'x.pdf' } });
  expect(missing.json.error).toMatchObject({ code: 100, error_data: { details: expect.stringMatching(/^Param document/) } });
  const unknown = await t.send({ to: CITIZEN, type: 'document', document: { id: '999999999999' } });
  expect(unknown.json.error.code).toBe(131053);
});

test('reacts to the citizen’s message and shows the reaction; a reaction to a message not in the chat fails with 131009', async () => {
  const t = await harness();
  const theirs = (await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'text', text: 'धन्यवाद' })).json.wamid;
  const ok = await t.send({ to: CITIZEN, type: 'reaction', reaction: { message_id: theirs, emoji: '👍' } });
  expect(ok.status).toBe(200);
  await t.receiver.waitFor(() => statusesOf(t, ok.json.messages[0].id).find((s) => s.status === 'delivered'));
  const html: string = (await t.call('GET', `/phone/${encodeURIComponent(CITIZEN)}`)).json;
  expect(html).toContain(`data-testid="reaction" data-target="${theirs}"`);

  const stray = await t.send({ to: CITIZEN, type: 'reaction', reaction: { message_id: 'wamid.not-in-this-chat', emoji: '👍' } });
  expect(stray.status).toBe(200);
  const failed = await t.receiver.waitFor(() => statusesOf(t, stray.json.messages[0].id).find((s) => s.status === 'failed'));
  expect(failed.errors![0]!.code).toBe(131009);
});

test('fails a document outside the window with 131047 after accepting it, and never shows it on the phone', async () => {
  const t = await harness();
  const mediaId = await uploadPdf(t);
  const res = await t.send({ to: CITIZEN, type: 'document', document: { id: mediaId, filename: 'late.pdf' } });
  expect(res.status).toBe(200);
  const failed = await t.receiver.waitFor(() => statusesOf(t, res.json.messages[0].id).find((s) => s.status === 'failed'));
  expect(failed.errors![0]!.code).toBe(131047);
  expect((await t.call('GET', `/phone/${encodeURIComponent(CITIZEN)}`)).json).not.toContain('late.pdf');
});
