/** The assembled simulator's lifecycle: close() leaves nothing running behind it. */
import { sendTemplate, useHarness } from './harness';

const harness = useHarness();

test('close() stops pending retries and status timers', async () => {
  const t = await harness({ webhookRetry: { delaysMs: [100, 100, 100], timeoutMs: 1000 }, statusDelaysMs: { sent: 0, delivered: 300, read: 0 } }, () => 500);
  await sendTemplate(t);
  await t.receiver.waitFor(() => t.receiver.hooks.length >= 1);
  await t.sim.close();
  const seen = t.receiver.hooks.length;
  await new Promise((r) => setTimeout(r, 450));
  expect(t.receiver.hooks.length).toBe(seen);
});
