/** Admitting a send over real HTTP: Meta's answer, the customer service window (an asynchronous 131047), throughput, pair rate, mark-as-read. */
import { CITIZEN, CITIZEN_WA_ID, disposedTemplate, reminderTemplate, statusesOf, uploadPdf, useHarness } from './harness';

const harness = useHarness();

test('answers an accepted send with the input echoed, the wa_id and a wamid', async () => {
  const t = await harness();
  const mediaId = await uploadPdf(t);
  const res = await t.send({ to: CITIZEN, biz_opaque_callback_data: 'grievance=SAMPARK-2026-000123;cycle=1', ...disposedTemplate(mediaId) });

  expect(res.status).toBe(200);
  expect(res.json).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: CITIZEN, wa_id: CITIZEN_WA_ID }], messages: [{ id: expect.stringMatching(/^wamid\./) }] });
});

test('accepts a free-form message outside the 24-hour window, then reports it failed with 131047; an inbound message opens the window', async () => {
  let clock = Date.parse('2026-11-01T10:00:00Z');
  const t = await harness({ now: () => clock });
  const text = { type: 'text', text: { body: 'Thank you for your feedback.' } };
  const outside = await t.send({ to: CITIZEN, ...text });
  expect(outside.status).toBe(200);
  const wamid: string = outside.json.messages[0].id;
  const failed = await t.receiver.waitFor(() => statusesOf(t, wamid).find((s) => s.status === 'failed'));
  expect(failed.errors).toEqual([
    {
      code: 131047,
      title: 'Re-engagement message',
      message: 'Re-engagement message',
      error_data: { details: expect.stringMatching(/24 hours/) },
      href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
    },
  ]);
  expect((await t.send({ to: CITIZEN, ...reminderTemplate() })).status).toBe(200);

  await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'text', text: 'नमस्ते' });
  const inside = await t.send({ to: CITIZEN, ...text });
  clock += 24 * 60 * 60 * 1000 - 1000;
  const lastSecond = await t.send({ to: CITIZEN, ...text });
  clock += 2000;
  const late = await t.send({ to: CITIZEN, ...text });
  expect(late.status).toBe(200);
  const lateWamid: string = late.json.messages[0].id;
  await t.receiver.waitFor(() => statusesOf(t, lateWamid).find((s) => s.status === 'failed'));
  for (const ok of [inside, lastSecond]) {
    await t.receiver.waitFor(() => statusesOf(t, ok.json.messages[0].id).find((s) => s.status === 'delivered'));
    expect(statusesOf(t, ok.json.messages[0].id).map((s) => s.status)).toEqual(['sent', 'delivered']);
  }
  expect(statusesOf(t, lateWamid).map((s) => s.status)).toEqual(['failed']);
  expect(statusesOf(t, lateWamid)[0]!.errors![0]!.code).toBe(131047);
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

test('answers 131009 when asked to mark read a message it never received', async () => {
  const t = await harness();
  await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'text', text: 'hello' });
  const res = await t.send({ status: 'read', message_id: 'wamid.unknown' });
  expect(res.status).toBe(400);
  expect(res.json.error).toMatchObject({ code: 131009, error_data: { details: expect.stringMatching(/message_id/) } });
});
