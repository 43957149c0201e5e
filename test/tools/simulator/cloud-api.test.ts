/** Admitting a send over real HTTP: Meta's answer, the customer service window, throughput, pair rate, mark-as-read. */
import { CITIZEN, CITIZEN_WA_ID, disposedTemplate, reminderTemplate, uploadPdf, useHarness } from './harness';

const harness = useHarness();

test('answers an accepted send with the input echoed, the wa_id and a wamid', async () => {
  const t = await harness();
  const mediaId = await uploadPdf(t);
  const res = await t.send({ to: CITIZEN, biz_opaque_callback_data: 'grievance=SAMPARK-2026-000123;cycle=1', ...disposedTemplate(mediaId) });

  expect(res.status).toBe(200);
  expect(res.json).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: CITIZEN, wa_id: CITIZEN_WA_ID }], messages: [{ id: expect.stringMatching(/^wamid\./) }] });
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

test('marks an inbound message read for the business (status: read) with {success: true}', async () => {
  const t = await harness();
  const { json } = await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'text', text: 'hello' });
  expect((await t.send({ status: 'read', message_id: json.wamid })).json).toEqual({ success: true });
});

test('answers 100 when asked to mark read a message it never received', async () => {
  const t = await harness();
  await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'text', text: 'hello' });
  expect((await t.send({ status: 'read', message_id: 'wamid.unknown' })).json.error.code).toBe(100);
});
