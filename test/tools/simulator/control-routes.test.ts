/** The /_sim records and controls over real HTTP: what was sent to a number, and reset. */
import type { StatusUpdate } from '../../../messaging/whatsapp/protocol';
import { CITIZEN, reminderTemplate, sendTemplate, statusesOf, uploadPdf, useHarness } from './harness';

const harness = useHarness();

test('/_sim/messages lists every send to a number oldest first, rejected ones with their error and no wamid', async () => {
  const t = await harness();
  const wamid = await sendTemplate(t);
  const rejected = await t.send({ to: '+91 98765 43210', type: 'text', text: { body: '' } });
  await t.receiver.waitFor(() => statusesOf(t, wamid).length === 2);

  const { json } = await t.call('GET', `/_sim/messages?to=${encodeURIComponent(CITIZEN)}`);
  expect(json).toHaveLength(2);
  expect(json[0]).toMatchObject({ wamid, request: { to: CITIZEN, type: 'template' }, response: { messages: [{ id: wamid }] } });
  expect(json[0].statuses.map((s: StatusUpdate) => s.status)).toEqual(['sent', 'delivered']);
  expect(Date.parse(json[0].receivedAt)).not.toBeNaN();
  expect(json[1].wamid).toBeUndefined();
  expect(json[1].response).toEqual(rejected.json);
  expect((await t.call('GET', '/_sim/messages?to=919876543210')).json).toHaveLength(2);
});

test('/_sim/reset forgets messages, media and faults', async () => {
  const t = await harness();
  const mediaId = await uploadPdf(t);
  await t.send({ to: CITIZEN, ...reminderTemplate() });
  await t.call('POST', '/_sim/faults', { rules: [{ http: 503 }] });
  expect((await t.call('POST', '/_sim/reset')).status).toBe(200);
  expect((await t.call('GET', `/_sim/messages?to=${CITIZEN}`)).json).toEqual([]);
  expect((await t.graph('GET', `/v25.0/${mediaId}`)).json.error.code).toBe(100);
  expect((await t.call('GET', '/_sim/faults')).json.rules).toEqual([]);
  expect((await t.call('GET', '/_sim/healthz')).json).toEqual({ status: 'ok' });
});
