/** Webhook delivery over real HTTP: signed raw bytes in Meta's envelope, batches, redelivery, giving up, unreachable servers. */
import type { WebhookDelivery } from '../../../tools/simulator/server';
import { CITIZEN, PHONE_NUMBER_ID, disposedTemplate, eventually, reminderTemplate, sendTemplate, statusesOf, uploadPdf, useHarness } from './harness';

const harness = useHarness();

test('signs every webhook over its raw bytes and wraps it in Meta’s envelope', async () => {
  const t = await harness();
  const mediaId = await uploadPdf(t);
  const res = await t.send({ to: CITIZEN, biz_opaque_callback_data: 'grievance=SAMPARK-2026-000123;cycle=1', ...disposedTemplate(mediaId) });
  const wamid: string = res.json.messages[0].id;
  await t.receiver.waitFor(() => statusesOf(t, wamid).length === 2);
  await t.call('GET', `/phone/${encodeURIComponent(CITIZEN)}`);
  await t.receiver.waitFor(() => statusesOf(t, wamid).length === 3);

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

test('batches statuses and messages of several citizens into one signed POST across entries and changes, and logs every item', async () => {
  const t = await harness({ statusDelaysMs: { sent: 0, delivered: 5_000, read: 5_000 } });
  await t.call('POST', '/_sim/chaos', { batchWebhooks: { windowMs: 1_000, maxItems: 100 } });
  const citizens = ['+919812300001', '+919812300002', '+919812300003'];
  const wamids: string[] = [];
  for (const to of citizens) wamids.push((await t.send({ to, ...reminderTemplate() })).json.messages[0].id);
  for (const from of citizens.slice(0, 2)) wamids.push((await t.call('POST', '/_sim/inbound', { from, type: 'text', text: 'नमस्ते' })).json.wamid);

  await t.receiver.waitFor(() => t.receiver.hooks.length >= 1);
  await new Promise((r) => setTimeout(r, 100));
  expect(t.receiver.hooks).toHaveLength(1);
  const [hook] = t.receiver.hooks;
  expect(hook!.signatureValid).toBe(true);
  const { entry } = hook!.body;
  expect(entry).toHaveLength(2);
  expect(entry[0]!.changes).toHaveLength(1);
  expect(entry[0]!.changes[0]!.value.statuses!.map((s) => s.id)).toEqual(wamids.slice(0, 3));
  expect(entry[1]!.changes.map((c) => c.value.contacts!.map((x) => x.wa_id))).toEqual([['919812300001'], ['919812300002']]);
  expect(entry[1]!.changes.map((c) => c.value.messages!.map((m) => m.id))).toEqual([[wamids[3]], [wamids[4]]]);
  expect([...t.receiver.statuses().map((s) => s.id), ...t.receiver.messages().map((m) => m.id)]).toEqual(wamids);

  const log: WebhookDelivery[] = (await t.call('GET', '/_sim/webhooks')).json;
  expect(log).toEqual([expect.objectContaining({ kind: 'mixed', items: 5, wamids, statuses: ['sent', 'sent', 'sent'], state: 'delivered' })]);
  expect((await t.call('GET', `/_sim/webhooks?wamid=${encodeURIComponent(wamids[4]!)}`)).json).toHaveLength(1);
});

test('sends a batch as soon as it holds maxItems, and one message’s statuses still in order across batches', async () => {
  const t = await harness({ autoRead: true, statusDelaysMs: { sent: 0, delivered: 0, read: 0 }, chaos: { batchWebhooks: { windowMs: 60_000, maxItems: 2 } } });
  const first = (await t.send({ to: '+919812300011', ...reminderTemplate() })).json.messages[0].id;
  const second = (await t.send({ to: '+919812300012', ...reminderTemplate() })).json.messages[0].id;
  // Six statuses, two per POST, long before the 60 s window: each batch went when full.
  await t.receiver.waitFor(() => t.receiver.statuses().length === 6);
  expect(t.receiver.hooks.map((h) => h.body.entry[0]!.changes[0]!.value.statuses!.length)).toEqual([2, 2, 2]);
  for (const wamid of [first, second]) expect(statusesOf(t, wamid).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
});
