/**
 * Status webhooks of accepted messages over real HTTP: sent, delivered, then read once the citizen opens
 * the chat, pricing, `failed` 131026 for a number not on WhatsApp, and the chaos orders.
 */
import type { StatusUpdate } from '../../../messaging/whatsapp/protocol';
import { CITIZEN, CITIZEN_WA_ID, disposedTemplate, reminderTemplate, sendTemplate, statusesOf, uploadPdf, useHarness, type Harness } from './harness';

const harness = useHarness();

/** Sends the disposed template with callback data, waits for sent and delivered, then opens the chat. */
async function sendAndRead(t: Harness): Promise<{ wamid: string; beforeOpening: string[] }> {
  const mediaId = await uploadPdf(t);
  const res = await t.send({ to: CITIZEN, biz_opaque_callback_data: 'grievance=SAMPARK-2026-000123;cycle=1', ...disposedTemplate(mediaId) });
  const wamid: string = res.json.messages[0].id;
  await t.receiver.waitFor(() => statusesOf(t, wamid).length === 2);
  // Not read until the citizen opens the chat.
  await new Promise((r) => setTimeout(r, 80));
  const beforeOpening = statusesOf(t, wamid).map((s) => s.status);
  const page = await t.call('GET', `/phone/${encodeURIComponent(CITIZEN)}`);
  expect(page.status).toBe(200);
  await t.receiver.waitFor(() => statusesOf(t, wamid).length === 3);
  return { wamid, beforeOpening };
}

test('reports sent and delivered, then read only once the citizen opens the chat, in order and with the callback data', async () => {
  const t = await harness();
  const { wamid, beforeOpening } = await sendAndRead(t);
  expect(beforeOpening).toEqual(['sent', 'delivered']);

  const [sent, delivered, read] = statusesOf(t, wamid) as [StatusUpdate, StatusUpdate, StatusUpdate];
  expect([sent.status, delivered.status, read.status]).toEqual(['sent', 'delivered', 'read']);
  for (const s of [sent, delivered, read]) {
    expect(s).toMatchObject({ id: wamid, recipient_id: CITIZEN_WA_ID, biz_opaque_callback_data: 'grievance=SAMPARK-2026-000123;cycle=1' });
    expect(s.timestamp).toMatch(/^\d{10}$/);
  }
});

test('prices sent and delivered as a utility template outside the window, and read not at all', async () => {
  const t = await harness();
  const { wamid } = await sendAndRead(t);
  const [sent, delivered, read] = statusesOf(t, wamid) as [StatusUpdate, StatusUpdate, StatusUpdate];
  expect(sent.pricing).toEqual({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' });
  expect(delivered.pricing).toEqual(sent.pricing);
  expect(read.pricing).toBeUndefined();
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
    errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: expect.any(String) }, href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/' }],
  });
  await new Promise((r) => setTimeout(r, 80));
  expect(statusesOf(t, wamid).map((s) => s.status)).toEqual(['failed']);
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

test('a switched-off phone gets sent but no delivered receipt, until it is back on', async () => {
  const t = await harness();
  expect((await t.call('POST', '/_sim/phones-off', { add: [CITIZEN] })).status).toBe(200);
  const wamid = await sendTemplate(t);
  await t.receiver.waitFor(() => statusesOf(t, wamid).length === 1);
  await new Promise((r) => setTimeout(r, 150)); // well past the delivered delay
  expect(statusesOf(t, wamid).map((s) => s.status)).toEqual(['sent']);

  await t.call('POST', '/_sim/phones-off', { remove: [CITIZEN] });
  await t.receiver.waitFor(() => statusesOf(t, wamid).length === 2);
  expect(statusesOf(t, wamid).map((s) => s.status)).toEqual(['sent', 'delivered']);
});
