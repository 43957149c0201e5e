/** Webhook delivery over real HTTP: signed raw bytes in Meta's envelope, redelivery, giving up, unreachable servers. */
import { CITIZEN, PHONE_NUMBER_ID, disposedTemplate, eventually, sendTemplate, statusesOf, uploadPdf, useHarness } from './harness';

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
