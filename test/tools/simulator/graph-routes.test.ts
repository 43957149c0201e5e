/** The Graph routes' guards: the bearer token (190) and our phone number id (100), before anything else. */
import { CITIZEN, PHONE_NUMBER_ID, reminderTemplate, useHarness } from './harness';

const harness = useHarness();

test('answers 190 without a token', async () => {
  const t = await harness();
  const noToken = await t.graph('GET', '/v25.0/123456789012345', undefined, null);
  expect(noToken.status).toBe(401);
  expect(noToken.json.error.code).toBe(190);
});

test('answers 190 for a send with a wrong token', async () => {
  const t = await harness();
  const badToken = await t.graph('POST', `/v25.0/${PHONE_NUMBER_ID}/messages`, { messaging_product: 'whatsapp', to: CITIZEN, ...reminderTemplate() }, 'wrong-token');
  expect(badToken.status).toBe(401);
  expect(badToken.json.error.code).toBe(190);
});

test('answers 100 for a send from a phone number id that is not ours', async () => {
  const t = await harness();
  const otherNumber = await t.graph('POST', '/v25.0/555/messages', { messaging_product: 'whatsapp', to: CITIZEN, ...reminderTemplate() });
  expect(otherNumber.json.error.code).toBe(100);
});
