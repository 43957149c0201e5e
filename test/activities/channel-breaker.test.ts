/**
 * The channel circuit breaker, shared by every worker in PostgreSQL, in front of the simulator over HTTP: a fault
 * on our side opens it, sends then fail fast without calling Meta, one probe goes through after the interval,
 * and success closes it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { BREAKER_PROBE_INTERVAL_MS } from '../../activities/send-guard';
import { testPool } from '../helpers/db';
import { countingMetrics, failureOf, recordedClosure, sendActivities, useSendsSim } from '../helpers/sends';

const sim = useSendsSim();

const TOKEN_EXPIRED = 'Error validating access token: Session has expired';
const remind = (acts: ReturnType<typeof sendActivities>['acts'], workflowId: string) => acts.sendReminder({ workflowId, number: 1 });
/** The breaker's probe falls due now, as if the interval had passed. */
const probeDue = (taskQueue: string) => testPool().query(`UPDATE channel_breakers SET next_probe_at = now() - interval '1 second' WHERE task_queue = $1`, [taskQueue]);

describe('channel breaker', () => {
  test('opens on 190 and holds the closure with the block: code, Meta\'s words, since when', async () => {
    const metrics = countingMetrics();
    const { acts, breakers } = sendActivities(sim.current, { metrics });
    const { workflowId, phone } = await recordedClosure(acts);
    await sim.current.faults([{ endpoint: 'messages', code: 190, details: TOKEN_EXPIRED }]);
    const err = await failureOf(remind(acts, workflowId));
    expect(err).toBeInstanceOf(ApplicationFailure);
    const [breaker] = await breakers.listOpen();
    expect(err).toMatchObject({ type: 'DeliveryBlocked', nonRetryable: true, details: [{ channel: 'whatsapp', code: 'whatsapp:190', reason: TOKEN_EXPIRED, since: breaker!.openedAt }] });
    expect(breaker).toMatchObject({ channel: 'whatsapp', code: 'whatsapp:190', reason: TOKEN_EXPIRED });
    expect(Date.parse(breaker!.nextProbeAt) - Date.parse(breaker!.openedAt)).toBeCloseTo(BREAKER_PROBE_INTERVAL_MS, -3);
    expect((await sim.current.requests(phone)).length).toBe(1);
    expect(metrics.counted).toContainEqual({ name: 'delivery_blocked', labels: { channel: 'whatsapp', code: 'whatsapp:190' } });
  });

  test('blocks every send while open without calling Meta', async () => {
    const { acts } = sendActivities(sim.current);
    const first = await recordedClosure(acts);
    await sim.current.faults([{ endpoint: 'messages', code: 190, details: TOKEN_EXPIRED }]);
    await failureOf(remind(acts, first.workflowId));
    await sim.current.faults([]); // fixed already, but the breaker does not know until its probe
    for (let i = 0; i < 3; i++) {
      const other = await recordedClosure(acts);
      expect(await failureOf(remind(acts, other.workflowId))).toMatchObject({ type: 'DeliveryBlocked', details: [{ code: 'whatsapp:190' }] });
      expect(await sim.current.requests(other.phone)).toEqual([]);
    }
  });

  test('lets one probe through after the interval and closes on success', async () => {
    const { acts, breakers, taskQueue } = sendActivities(sim.current);
    const blockedOne = await recordedClosure(acts);
    await sim.current.faults([{ endpoint: 'messages', code: 190 }]);
    await failureOf(remind(acts, blockedOne.workflowId));
    await sim.current.faults([]);
    await probeDue(taskQueue);
    const { messageId } = await remind(acts, blockedOne.workflowId);
    expect((await sim.current.requests(blockedOne.phone)).map((r) => r.wamid ?? null)).toEqual([null, messageId]);
    expect(await breakers.listOpen()).toEqual([]);
    const next = await recordedClosure(acts);
    await expect(remind(acts, next.workflowId)).resolves.toMatchObject({ messageId: expect.any(String) });
  });

  test('re-arms when the probe meets the same fault, keeping when it first opened', async () => {
    const { acts, breakers, taskQueue } = sendActivities(sim.current);
    const { workflowId } = await recordedClosure(acts);
    await sim.current.faults([{ endpoint: 'messages', code: 190 }]);
    await failureOf(remind(acts, workflowId));
    const [opened] = await breakers.listOpen();
    await probeDue(taskQueue);
    const probed = await recordedClosure(acts);
    expect(await failureOf(remind(acts, probed.workflowId))).toMatchObject({ type: 'DeliveryBlocked' });
    expect((await sim.current.requests(probed.phone)).length).toBe(1); // the probe itself went to Meta
    const [rearmed] = await breakers.listOpen();
    expect(rearmed).toMatchObject({ openedAt: opened!.openedAt, probes: 1 });
    expect(Date.parse(rearmed!.nextProbeAt)).toBeGreaterThan(Date.now() + BREAKER_PROBE_INTERVAL_MS - 5_000);
  });

  test('lets exactly one of many concurrent sends probe', async () => {
    const { acts, breakers, taskQueue } = sendActivities(sim.current);
    const { workflowId } = await recordedClosure(acts);
    await sim.current.faults([{ endpoint: 'messages', code: 190 }]);
    await failureOf(remind(acts, workflowId));
    await probeDue(taskQueue);
    const closures = await Promise.all(Array.from({ length: 6 }, () => recordedClosure(acts)));
    const results = await Promise.all(closures.map((c) => failureOf(remind(acts, c.workflowId))));
    for (const r of results) expect(r).toMatchObject({ type: 'DeliveryBlocked' });
    const calls = await Promise.all(closures.map((c) => sim.current.requests(c.phone)));
    expect(calls.reduce((n, c) => n + c.length, 0)).toBe(1);
    expect((await breakers.listOpen())[0]).toMatchObject({ probes: 1 });
  });

  test('claims a due probe once however many callers ask at the same instant', async () => {
    const { breakers, taskQueue } = sendActivities(sim.current);
    await breakers.open('whatsapp', 'whatsapp:190', TOKEN_EXPIRED, BREAKER_PROBE_INTERVAL_MS);
    await probeDue(taskQueue);
    const checks = await Promise.all(Array.from({ length: 12 }, () => breakers.check('whatsapp', BREAKER_PROBE_INTERVAL_MS, 20_000)));
    expect(checks.filter((c) => c.state === 'probe')).toHaveLength(1);
    // The others see the probe under way, and wait for it rather than give up at once.
    expect(checks.filter((c) => c.state === 'open' && c.probing)).toHaveLength(11);
  });

  test('sends that arrive while a probe is under way wait for it, and go out when it succeeds', async () => {
    const { acts, breakers, taskQueue } = sendActivities(sim.current);
    const { workflowId } = await recordedClosure(acts);
    await sim.current.faults([{ endpoint: 'messages', code: 190 }]);
    await failureOf(remind(acts, workflowId));
    // Fixed; the probe's answer takes a moment.
    await sim.current.faults([{ endpoint: 'messages', timeoutMs: 600, count: 1 }]);
    await probeDue(taskQueue);
    const closures = await Promise.all(Array.from({ length: 4 }, () => recordedClosure(acts)));
    const sent = await Promise.all(closures.map((c) => remind(acts, c.workflowId)));
    expect(sent.every((r) => r.messageId.startsWith('wamid.'))).toBe(true);
    expect(await breakers.listOpen()).toEqual([]);
  });

  test('holds a message-scoped fault (131047) on its closure only: the channel stays open', async () => {
    const { acts, breakers } = sendActivities(sim.current);
    const held = await recordedClosure(acts);
    await sim.current.faults([{ endpoint: 'messages', to: held.phone, code: 131047 }]);
    expect(await failureOf(remind(acts, held.workflowId))).toMatchObject({ type: 'DeliveryBlocked', nonRetryable: true, details: [{ code: 'whatsapp:131047' }] });
    expect(await breakers.listOpen()).toEqual([]);
    const other = await recordedClosure(acts);
    await expect(remind(acts, other.workflowId)).resolves.toMatchObject({ messageId: expect.any(String) });
  });

  test('opens the SMS breaker on its own when the gateway refuses our token', async () => {
    const { acts, breakers } = sendActivities(sim.current);
    const { workflowId } = await recordedClosure(acts);
    await sim.current.faults([{ endpoint: 'sms', code: 'unauthorized', details: 'token revoked' }]);
    expect(await failureOf(acts.sendSmsFallback({ workflowId }))).toMatchObject({ type: 'DeliveryBlocked', details: [{ channel: 'sms', code: 'sms:unauthorized', reason: 'token revoked' }] });
    expect((await breakers.listOpen()).map((b) => b.channel)).toEqual(['sms']);
    await expect(remind(acts, workflowId)).resolves.toMatchObject({ messageId: expect.any(String) });
  });
});
