/**
 * What every send activity does before and after the channel, against the simulator over HTTP and real
 * PostgreSQL: quiet hours refuse with the delay until they end (the closure's, over its department's, over the
 * defaults), and a refusal becomes the failure its fault class calls for.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { testPool } from '../helpers/db';
import { failureOf, recordedClosure, sendActivities, useSendsSim } from '../helpers/sends';

const sim = useSendsSim();

const HOUR = 3_600_000;
/** The next instant, at least a day ahead, that the IST clock shows hh:mm (ahead of this machine's clock, as a time-skipping server's would be). */
function istAhead(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  const istMidnight = Math.floor((Date.now() + 330 * 60_000) / 86_400_000) * 86_400_000 - 330 * 60_000;
  return istMidnight + 86_400_000 + (h! * 60 + m!) * 60_000;
}
/** Runs an activity as Temporal would schedule its attempt at `at`. */
const attemptAt = (at: number) => new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: at, scheduledTimestampMs: at });

describe('quiet hours on every send', () => {
  test('refuses at night with a retryable QuietHours failure whose next retry falls when they end', async () => {
    const { acts } = sendActivities(sim.current);
    const { workflowId, phone } = await recordedClosure(acts, { feedbackPolicy: {} });
    const at = istAhead('23:00');
    const err = await failureOf(attemptAt(at).run(acts.sendReminder, { workflowId, number: 1 }));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'QuietHours', nonRetryable: false, nextRetryDelay: 10 * HOUR });
    expect(await sim.current.requests(phone)).toEqual([]);
  });

  test.each([
    ['an acknowledgement', (a: Acts, workflowId: string) => a.acknowledgeFeedback({ workflowId, feedbackMessageId: 'm1', ack: 'SATISFIED' })],
    ['the reason list', (a: Acts, workflowId: string) => a.askForReason({ workflowId })],
    ['the comment prompt', (a: Acts, workflowId: string) => a.askForComment({ workflowId, level: 1 })],
    ['the SMS fallback', (a: Acts, workflowId: string) => a.sendSmsFallback({ workflowId })],
    ['the ATR', async (a: Acts, workflowId: string) => a.deliverAtr({ workflowId, atrId: (await a.renderAtr({ workflowId })).atrId })],
    ['a resend', async (a: Acts, workflowId: string) => a.resendAtr({ workflowId, atrId: (await a.renderAtr({ workflowId })).atrId, number: 1 })],
  ])('refuses %s at night too', async (_what, send) => {
    const { acts } = sendActivities(sim.current);
    const { workflowId } = await recordedClosure(acts, { feedbackPolicy: {} });
    const err = await failureOf(attemptAt(istAhead('06:30')).run(() => send(acts, workflowId)));
    expect(err).toMatchObject({ type: 'QuietHours', nextRetryDelay: 2.5 * HOUR });
  });

  test("takes the department's quiet hours over the defaults, and the closure's over both", async () => {
    const { acts } = sendActivities(sim.current);
    await testPool().query(
      `INSERT INTO department_policies (department_code, policy) VALUES ('QHT', $1) ON CONFLICT (department_code) DO UPDATE SET policy = EXCLUDED.policy`,
      [{ quietHours: { start: '13:00', end: '14:00' } }],
    );
    const department = { code: 'QHT', nameEn: 'Quiet Hours Test' };
    const byDepartment = await recordedClosure(acts, { department, feedbackPolicy: {} });
    expect(await failureOf(attemptAt(istAhead('13:30')).run(acts.sendReminder, { workflowId: byDepartment.workflowId, number: 1 }))).toMatchObject({
      type: 'QuietHours',
      nextRetryDelay: 0.5 * HOUR,
    });
    // The defaults' night is no longer quiet for this department.
    await expect(attemptAt(istAhead('23:30')).run(acts.sendReminder, { workflowId: byDepartment.workflowId, number: 2 })).resolves.toMatchObject({ messageId: expect.any(String) });
    const byClosure = await recordedClosure(acts, { department, feedbackPolicy: { quietHours: null } });
    await expect(attemptAt(istAhead('13:30')).run(acts.sendReminder, { workflowId: byClosure.workflowId, number: 1 })).resolves.toMatchObject({ messageId: expect.any(String) });
  });
});

type Acts = ReturnType<typeof sendActivities>['acts'];

describe('a refusal becomes the failure its fault class calls for', () => {
  test('the citizen unreachable (131026): non-retryable Undeliverable', async () => {
    const { acts } = sendActivities(sim.current);
    const { workflowId, phone } = await recordedClosure(acts);
    await sim.current.faults([{ endpoint: 'messages', to: phone, code: 131026 }]);
    expect(await failureOf(acts.sendReminder({ workflowId, number: 1 }))).toMatchObject({ type: 'Undeliverable', nonRetryable: true });
  });

  test('a transient fault (130429, 503): an error Temporal retries', async () => {
    const { acts, breakers } = sendActivities(sim.current);
    const { workflowId, phone } = await recordedClosure(acts);
    await sim.current.faults([{ endpoint: 'messages', to: phone, code: 130429, count: 1 }, { endpoint: 'messages', to: phone, http: 503, count: 1 }]);
    for (let i = 0; i < 2; i++) {
      const err = await failureOf(acts.sendReminder({ workflowId, number: 1 }));
      expect(err).toMatchObject({ name: 'ChannelFault', faultClass: 'TRANSIENT' });
      expect(err).not.toBeInstanceOf(ApplicationFailure);
    }
    expect(await breakers.listOpen()).toEqual([]);
    await expect(acts.sendReminder({ workflowId, number: 1 })).resolves.toMatchObject({ messageId: expect.any(String) });
  });

  test('the SMS gateway says the number is invalid: Undeliverable', async () => {
    const { acts } = sendActivities(sim.current);
    const { workflowId, phone } = await recordedClosure(acts);
    await sim.current.faults([{ endpoint: 'sms', to: phone, code: 'invalid_number' }]);
    expect(await failureOf(acts.sendSmsFallback({ workflowId }))).toMatchObject({ type: 'Undeliverable', nonRetryable: true });
  });

  test('no SMS gateway configured: ChannelNotConfigured, never Undeliverable', async () => {
    const { acts } = sendActivities(sim.current, { sms: undefined });
    const { workflowId } = await recordedClosure(acts);
    expect(await failureOf(acts.sendSmsFallback({ workflowId }))).toMatchObject({ type: 'ChannelNotConfigured', nonRetryable: true });
  });
});
