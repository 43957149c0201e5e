/** The SMS gateway over real HTTP: Indian mobiles only, idempotent by reference, its own token and errors. */
import { CITIZEN, TOKEN, useHarness, type Harness } from './harness';

const harness = useHarness();

const sms = (t: Harness, body: Record<string, unknown>, token: string | null = TOKEN) =>
  t.graph('POST', '/sms/v1/messages', { to: CITIZEN, sender: 'RJSMPK', text: 'Your ATR: https://atr.example/a', reference: 'r-1', ...body }, token);

test('accepts an Indian mobile with 202, once per reference, and lists it', async () => {
  const t = await harness();
  const first = await sms(t, {});
  expect(first.status).toBe(202);
  expect(first.json).toEqual({ id: expect.stringMatching(/^sms-/), status: 'accepted' });
  const again = await sms(t, { text: 'a retry' });
  expect(again).toEqual(first);
  const listed = (await t.call('GET', `/_sim/sms?to=${encodeURIComponent(CITIZEN)}`)).json;
  expect(listed).toEqual([{ id: first.json.id, to: CITIZEN, sender: 'RJSMPK', text: 'Your ATR: https://atr.example/a', reference: 'r-1', receivedAt: expect.any(String) }]);
});

test('rejects a non-Indian or malformed number with invalid_number', async () => {
  const t = await harness();
  for (const to of ['+14155550100', '919876543210', '+91123456789']) {
    const res = await sms(t, { to, reference: `r-${to}` });
    expect({ to, status: res.status, json: res.json }).toEqual({ to, status: 400, json: { error: { code: 'invalid_number', message: expect.any(String) } } });
  }
});

test('rejects a bad body with bad_request', async () => {
  const t = await harness();
  expect((await sms(t, { text: '' })).json.error.code).toBe('bad_request');
});

test('rejects a wrong token with 401 unauthorized', async () => {
  const t = await harness();
  const unauthorized = await sms(t, {}, 'nope');
  expect(unauthorized.status).toBe(401);
  expect(unauthorized.json.error.code).toBe('unauthorized');
});
