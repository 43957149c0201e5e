/** Fault injection over real HTTP: Graph codes and plain 5xx, per recipient, delays past a timeout, per endpoint, failures after a 200. */
import { CITIZEN, PDF, PHONE_NUMBER_ID, TOKEN, eventually, reminderTemplate, statusesOf, useHarness } from './harness';

const harness = useHarness();

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

test('a code without count answers every send synchronously (190: HTTP 401) until the rule is cleared', async () => {
  const t = await harness();
  await t.call('POST', '/_sim/faults', { rules: [{ endpoint: 'messages', code: 190 }] });
  for (const to of [CITIZEN, '+919812345678', '+919812345679']) {
    const res = await t.send({ to, ...reminderTemplate() });
    expect(res.status).toBe(401);
    expect(res.json.error).toMatchObject({ code: 190, type: 'OAuthException' });
  }
  expect(t.sim.state.counters.accepted).toBe(0);
  expect((await t.call('GET', '/_sim/faults')).json.rules[0]).toMatchObject({ hits: 3 });
  await t.call('DELETE', '/_sim/faults');
  expect((await t.send({ to: CITIZEN, ...reminderTemplate() })).status).toBe(200);
});

test('an async rule accepts the send with a wamid, then reports the code in a failed status', async () => {
  const t = await harness();
  await t.call('POST', '/_sim/faults', { rules: [{ to: CITIZEN, code: 131049, async: true, count: 1 }] });
  const res = await t.send({ to: CITIZEN, biz_opaque_callback_data: 'g1', ...reminderTemplate() });
  expect(res.status).toBe(200);
  const wamid: string = res.json.messages[0].id;
  const failed = await t.receiver.waitFor(() => statusesOf(t, wamid).find((s) => s.status === 'failed'));
  expect(failed).toMatchObject({ biz_opaque_callback_data: 'g1', errors: [{ code: 131049, title: 'Meta chose not to deliver', error_data: { details: expect.stringMatching(/ecosystem/) }, href: expect.stringMatching(/^https:/) }] });
  await new Promise((r) => setTimeout(r, 80));
  expect(statusesOf(t, wamid).map((s) => s.status)).toEqual(['failed']);
  // Spent: the next send is delivered.
  const next = await t.send({ to: CITIZEN, ...reminderTemplate() });
  await t.receiver.waitFor(() => statusesOf(t, next.json.messages[0].id).find((s) => s.status === 'delivered'));
});

test('a synchronous 131047 rule still refuses at once (HTTP 400), for tests of the old behaviour', async () => {
  const t = await harness();
  await t.call('POST', '/_sim/faults', { rules: [{ endpoint: 'messages', code: 131047, count: 1 }] });
  const res = await t.send({ to: CITIZEN, ...reminderTemplate() });
  expect(res.status).toBe(400);
  expect(res.json.error.code).toBe(131047);
});

test('refuses an async rule without a numeric code, or on another endpoint, naming the field', async () => {
  const t = await harness();
  for (const rule of [{ http: 503, async: true }, { endpoint: 'media', code: 131053, async: true }, { code: 'rejected', async: true }]) {
    const res = await t.call('POST', '/_sim/faults', { rules: [rule] });
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/async/);
  }
});
