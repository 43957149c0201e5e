/**
 * The ATR workflow on the time-skipping test server, with real activities on the test PostgreSQL:
 * every business path, reminder times (quiet hours included), the window, escalation levels, repeated
 * and late feedback, and a repeated closure.
 */
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Messenger } from '../../../activities/ports';
import type { FeedbackSignal } from '../../../contracts/workflow';
import {
  deliveryStatusSignal,
  feedbackDetailsSignal,
  feedbackSignal,
  resendAtrUpdate,
  stateQuery,
  type AtrResult,
  type AtrState,
  type DeliveryStatusSignal,
} from '../../../contracts/workflow';
import { createOutboxMessenger } from '../../../messaging/outbox';
import { buildSimulator } from '../../../tools/simulator/server';
import { createSmsGateway } from '../../../messaging/sms/gateway';
import { closeTestPool, testPool } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { startFakePortal, type FakePortal } from '../../helpers/portal';
import { eventually } from '../../helpers/whatsapp';
import { captureHistory, createTimeSkippingEnv, istClock, runWithWorker, skipToIst, type WorkerContext } from '../../helpers/temporal';

const HOUR = 3_600_000;
const { EventType } = temporal.api.enums.v1;
let env: TestWorkflowEnvironment;
let portal: FakePortal;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  portal = await startFakePortal([200]);
});
afterAll(async () => {
  await env?.teardown();
  await portal?.close();
  await closeTestPool();
});

const withWorker = <T>(body: (ctx: WorkerContext) => Promise<T>, overrides: { portalUrl?: string; messenger?: Messenger } = {}) =>
  runWithWorker({ connection: env, portalUrl: portal.url, ...overrides }, body);

function feedback(rating: FeedbackSignal['rating'], extra: Partial<FeedbackSignal> = {}): FeedbackSignal {
  return { messageId: `wamid.${Math.random().toString(36).slice(2)}`, rating, channel: 'helpline', receivedAt: new Date().toISOString(), ...extra };
}

/** Reports the ATR delivered, as WhatsApp's status webhook (through the relay) would. */
async function markDelivered(handle: { query: (q: typeof stateQuery) => Promise<AtrState>; signal: (s: typeof deliveryStatusSignal, a: DeliveryStatusSignal) => Promise<void> }) {
  for (let i = 0; i < 200; i++) {
    const { delivery } = await handle.query(stateQuery);
    if (delivery.messageId) return handle.signal(deliveryStatusSignal, { messageId: delivery.messageId, status: 'DELIVERED', at: new Date().toISOString() });
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the ATR was never sent');
}

async function outbox(workflowId: string) {
  const { rows } = await testPool().query<{ purpose: string; body: { text: string } }>(
    'SELECT purpose, body FROM outbound_messages WHERE workflow_id = $1 ORDER BY created_at',
    [workflowId],
  );
  return rows;
}

describe('atrWorkflow', () => {
  test('delivers the ATR at once in daytime and sends reminders at 24 h and 72 h, then ends NO_RESPONSE after 7 days', async () => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await markDelivered(handle);
      const result: AtrResult = await handle.result();
      expect(result.outcome).toBe('NO_RESPONSE');
      const state = await handle.query(stateQuery);
      expect(istClock(state.delivery.sentAt!)).toBe('10:00');
      expect(state.reminders.map((r) => [istClock(r.sentAt!), (Date.parse(r.dueAt) - Date.parse(state.delivery.sentAt!)) / HOUR])).toEqual([
        ['10:00', 24],
        ['10:00', 72],
      ]);
      expect(Date.parse(state.feedbackWindowEndsAt!) - Date.parse(state.delivery.sentAt!)).toBe(168 * HOUR);
      expect((await outbox(workflowId)).map((m) => m.purpose)).toEqual(['ATR', 'REMINDER', 'REMINDER']);
      const { rows } = await testPool().query('SELECT outcome FROM closures WHERE workflow_id = $1', [workflowId]);
      expect(rows[0].outcome).toBe('NO_RESPONSE');
      await captureHistory(handle, 'v2-no-response-two-reminders');
    });
  });

  test('holds an ATR closed at 23:30 IST until 09:00 IST', async () => {
    await skipToIst(env, '23:30');
    await withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await handle.result();
      const state = await handle.query(stateQuery);
      expect(istClock(state.delivery.sentAt!)).toBe('09:00');
      await captureHistory(handle, 'v2-quiet-hours-hold');
    });
  });

  test('sends the second reminder at 09:00 IST when 72 h falls at night', async () => {
    await skipToIst(env, '20:00');
    await withWorker(async ({ atr, client }) => {
      // A department that reminds at 24 h and 74 h: delivered 20:00, the second falls at 22:00.
      const { workflowId } = await atr.closeGrievance(makeClosure({ feedbackPolicy: { reminderOffsetsHours: [24, 74] } }));
      const handle = client.workflow.getHandle(workflowId);
      await markDelivered(handle);
      await handle.result();
      const state = await handle.query(stateQuery);
      const sentAt = Date.parse(state.delivery.sentAt!);
      expect(istClock(sentAt)).toBe('20:00');
      expect(istClock(state.reminders[0]!.sentAt!)).toBe('20:00');
      expect(istClock(state.reminders[1]!.sentAt!)).toBe('09:00');
      // Due exactly at 09:00:00 IST, three days after delivery (two full days, then 20:00 to 09:00).
      const due = new Date(state.reminders[1]!.dueAt);
      expect([due.getUTCSeconds(), due.getUTCMilliseconds()]).toEqual([0, 0]);
      expect(Math.round((due.getTime() - sentAt) / HOUR)).toBe(24 + 48 + 13);
    });
  });

  test('takes the reminders and window from the department policy, and closure overrides win', async () => {
    await testPool().query(
      `INSERT INTO department_policies (department_code, policy) VALUES ('PHED', $1)
       ON CONFLICT (department_code) DO UPDATE SET policy = EXCLUDED.policy`,
      [{ reminderOffsetsHours: [12], feedbackWindowHours: 48, quietHours: null }],
    );
    await skipToIst(env, '11:00');
    await withWorker(async ({ atr, client }) => {
      const department = { code: 'PHED', nameEn: 'Public Health Engineering' };
      const a = await atr.closeGrievance(makeClosure({ department }));
      const b = await atr.closeGrievance(makeClosure({ department, feedbackPolicy: { feedbackWindowHours: 24 } }));
      await client.workflow.getHandle(a.workflowId).result();
      await client.workflow.getHandle(b.workflowId).result();
      const sa = await client.workflow.getHandle(a.workflowId).query(stateQuery);
      const sb = await client.workflow.getHandle(b.workflowId).query(stateQuery);
      expect(sa.policy).toMatchObject({ reminderOffsetsHours: [12], feedbackWindowHours: 48, quietHours: null });
      expect(istClock(sa.reminders[0]!.sentAt!)).toBe('23:00'); // quiet hours switched off for this department
      expect(sb.policy).toMatchObject({ reminderOffsetsHours: [12], feedbackWindowHours: 24 });
    });
  });

  test('ends SATISFIED on a satisfied reply, stops reminding, and thanks the citizen', async () => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await markDelivered(handle);
      await env.sleep(30 * HOUR); // after the first reminder
      await handle.signal(feedbackSignal, feedback('SATISFIED', { channel: 'whatsapp' }));
      const result: AtrResult = await handle.result();
      expect(result.outcome).toBe('SATISFIED');
      const state = await handle.query(stateQuery);
      expect(state.reminders.filter((r) => r.sentAt)).toHaveLength(1);
      expect((await outbox(workflowId)).map((m) => m.purpose)).toEqual(['ATR', 'REMINDER', 'ACKNOWLEDGEMENT']);
      const { rows } = await testPool().query('SELECT rating, decisive, late FROM feedback WHERE workflow_id = $1', [workflowId]);
      expect(rows).toEqual([{ rating: 'SATISFIED', decisive: true, late: false }]);
      await captureHistory(handle, 'v2-satisfied-after-reminder');
    });
  });

  test('escalates "not satisfied" to the department with the reason and comment, and reopens it on the portal', async () => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const closure = makeClosure();
      const { workflowId } = await atr.closeGrievance(closure);
      const handle = client.workflow.getHandle(workflowId);
      await env.sleep(2 * HOUR);
      await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { reason: 'NOT_RESOLVED', comment: 'नाली अब भी भरी है' }));
      const result: AtrResult = await handle.result();
      expect(result).toMatchObject({ outcome: 'ESCALATED', escalationLevel: 1 });
      const { rows } = await testPool().query('SELECT * FROM escalations WHERE workflow_id = $1', [workflowId]);
      expect(rows[0]).toMatchObject({ level: 1, level_name: 'DEPARTMENT', reason: 'NOT_RESOLVED', comment: 'नाली अब भी भरी है', portal_callback: 'DONE' });
      const call = portal.calls.find((c) => c.body.grievanceId === closure.grievanceId);
      expect(call?.body).toMatchObject({ event: 'grievance.reopen', cycle: 1, level: 1, reason: 'NOT_RESOLVED' });
      expect(call?.headers['idempotency-key']).toBe(rows[0].escalation_id);
      await captureHistory(handle, 'v2-escalated-department');
    });
  });

  test.each([
    [2, 2, 'DISTRICT'],
    [3, 3, 'STATE'],
    [5, 3, 'STATE'],
  ])('escalates cycle %i at level %i (%s)', async (cycle, level, levelName) => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure({ cycle }));
      const handle = client.workflow.getHandle(workflowId);
      await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { reason: 'DELAY' }));
      expect(await handle.result()).toMatchObject({ outcome: 'ESCALATED', escalationLevel: level });
      const { rows } = await testPool().query('SELECT level, level_name FROM escalations WHERE workflow_id = $1', [workflowId]);
      expect(rows).toEqual([{ level, level_name: levelName }]);
    });
  });

  test('waits for the reason and comment that follow a WhatsApp "not satisfied" before escalating', async () => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { channel: 'whatsapp' }));
      await env.sleep(60_000);
      await handle.signal(feedbackDetailsSignal, { messageId: 'wamid.reason', reason: 'NO_CONTACT', receivedAt: new Date().toISOString() });
      await handle.signal(feedbackDetailsSignal, { messageId: 'wamid.comment', comment: 'कोई अधिकारी नहीं आया', receivedAt: new Date().toISOString() });
      expect((await handle.result()).outcome).toBe('ESCALATED');
      const { rows } = await testPool().query('SELECT reason, comment FROM escalations WHERE workflow_id = $1', [workflowId]);
      expect(rows).toEqual([{ reason: 'NO_CONTACT', comment: 'कोई अधिकारी नहीं आया' }]);
      // The dialogue: the list of reasons, then the invitation to comment, then the acknowledgement.
      expect((await outbox(workflowId)).map((m) => m.purpose)).toEqual(['ATR', 'REASON_LIST', 'COMMENT_PROMPT', 'ACKNOWLEDGEMENT']);
      await captureHistory(handle, 'v2-escalated-after-details');
    });
  });

  test('escalates without details when none come within 30 minutes', async () => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { channel: 'whatsapp' }));
      expect((await handle.result()).outcome).toBe('ESCALATED');
      const { rows } = await testPool().query('SELECT reason, comment FROM escalations WHERE workflow_id = $1', [workflowId]);
      expect(rows).toEqual([{ reason: null, comment: null }]);
    });
  });

  test('retries the portal callback until the portal recovers', async () => {
    const flaky = await startFakePortal([503, 503, 200]);
    try {
      await skipToIst(env, '10:00');
      await withWorker(
        async ({ atr, client }) => {
          const { workflowId } = await atr.closeGrievance(makeClosure());
          const handle = client.workflow.getHandle(workflowId);
          await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { reason: 'OTHER' }));
          expect((await handle.result()).outcome).toBe('ESCALATED');
          expect(flaky.calls).toHaveLength(3);
          const { rows } = await testPool().query('SELECT portal_callback FROM escalations WHERE workflow_id = $1', [workflowId]);
          expect(rows[0].portal_callback).toBe('DONE');
        },
        { portalUrl: flaky.url },
      );
    } finally {
      await flaky.close();
    }
  });

  test('keeps the escalation when the portal refuses the callback with a 4xx', async () => {
    const refusing = await startFakePortal([422]);
    try {
      await skipToIst(env, '10:00');
      await withWorker(
        async ({ atr, client }) => {
          const { workflowId } = await atr.closeGrievance(makeClosure());
          const handle = client.workflow.getHandle(workflowId);
          await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { reason: 'OTHER' }));
          expect((await handle.result()).outcome).toBe('ESCALATED');
          expect(refusing.calls).toHaveLength(1);
          const state = await handle.query(stateQuery);
          expect(state.escalation).toMatchObject({ portalCallback: 'REJECTED', portalCallbackError: 'portal callback refused with HTTP 422' });
      await captureHistory(handle, 'v2-portal-rejected');
          const { rows } = await testPool().query('SELECT portal_callback FROM escalations WHERE workflow_id = $1', [workflowId]);
          expect(rows[0].portal_callback).toBe('REJECTED');
        },
        { portalUrl: refusing.url },
      );
    } finally {
      await refusing.close();
    }
  });

  test('ignores a repeated feedback signal with the same message id', async () => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      const fb = feedback('SATISFIED');
      await handle.signal(feedbackSignal, fb);
      await handle.signal(feedbackSignal, fb);
      await handle.signal(feedbackSignal, { ...fb, rating: 'NOT_SATISFIED' }); // same id, even if altered
      expect((await handle.result()).outcome).toBe('SATISFIED');
      const state = await handle.query(stateQuery);
      expect(state.otherFeedback).toEqual([]);
      const { rows } = await testPool().query('SELECT count(*)::int AS n FROM feedback WHERE workflow_id = $1', [workflowId]);
      expect(rows[0].n).toBe(1);
    });
  });

  test('records a second, different feedback without changing the outcome', async () => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await handle.signal(feedbackSignal, feedback('SATISFIED'));
      await env.sleep(HOUR);
      await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { reason: 'OTHER' }));
      expect((await handle.result()).outcome).toBe('SATISFIED');
      const { rows } = await testPool().query('SELECT rating, decisive, late FROM feedback WHERE workflow_id = $1 ORDER BY recorded_at', [workflowId]);
      expect(rows).toEqual([
        { rating: 'SATISFIED', decisive: true, late: false },
        { rating: 'NOT_SATISFIED', decisive: false, late: false },
      ]);
      const escalations = await testPool().query('SELECT 1 FROM escalations WHERE workflow_id = $1', [workflowId]);
      expect(escalations.rowCount).toBe(0);
    });
  });

  test('records and acknowledges feedback after the window, leaving NO_RESPONSE', async () => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await markDelivered(handle);
      await env.sleep(170 * HOUR); // window of 168 h has closed
      expect((await handle.query(stateQuery)).outcome).toBe('NO_RESPONSE');
      await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { reason: 'DELAY' }));
      const result: AtrResult = await handle.result();
      expect(result).toMatchObject({ outcome: 'NO_RESPONSE', lateFeedbackCount: 1 });
      const { rows } = await testPool().query('SELECT decisive, late FROM feedback WHERE workflow_id = $1', [workflowId]);
      expect(rows).toEqual([{ decisive: false, late: true }]);
      expect((await outbox(workflowId)).at(-1)?.purpose).toBe('ACKNOWLEDGEMENT');
      expect((await testPool().query('SELECT 1 FROM escalations WHERE workflow_id = $1', [workflowId])).rowCount).toBe(0);
      await captureHistory(handle, 'v2-late-feedback');
    });
  });

  test('ends UNDELIVERABLE when the channel reports the number can never receive it', async () => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await env.sleep(60_000);
      const { delivery } = await handle.query(stateQuery);
      await handle.signal(deliveryStatusSignal, { messageId: delivery.messageId!, status: 'DELIVERED', at: new Date().toISOString() });
      await handle.signal(deliveryStatusSignal, {
        messageId: delivery.messageId!,
        status: 'FAILED',
        permanent: true,
        errorCode: 131026,
        errorTitle: 'Message undeliverable',
        at: new Date().toISOString(),
      });
      // No SMS gateway in this test: the fallback cannot help either, and the reason says both.
      expect(await handle.result()).toMatchObject({ outcome: 'UNDELIVERABLE', reason: expect.stringMatching(/^Message undeliverable; SMS: .*no SMS gateway/) });
      const state = await handle.query(stateQuery);
      expect(state.delivery).toMatchObject({ status: 'UNDELIVERABLE', errorCode: 131026 });
      expect(state.reminders.filter((r) => r.sentAt)).toEqual([]);
      await captureHistory(handle, 'v2-undeliverable');
    });
  });

  test('sends the ATR link by SMS when WhatsApp has not delivered it within 24 h, and stops WhatsApp reminders', async () => {
    const sim = await buildSimulator({ appSecret: 's', accessToken: 'sms-token', phoneNumberId: '100000000000001' });
    const simUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      await skipToIst(env, '10:00');
      await runWithWorker(
        { connection: env, portalUrl: portal.url, sms: createSmsGateway({ url: `${simUrl}/sms`, token: 'sms-token', sender: 'RJSMPK', timeoutMs: 5_000 }) },
        async ({ atr, client }) => {
          const phone = '+919812300077';
          const { workflowId } = await atr.closeGrievance(makeClosure({ citizen: { name: 'राधा', phone, language: 'hi' } }));
          const handle = client.workflow.getHandle(workflowId);
          await env.sleep(25 * HOUR); // the ATR was accepted but no "delivered" came
          const state = await handle.query(stateQuery);
          expect(state.delivery).toMatchObject({ status: 'SENT', fallback: { channel: 'sms' } });
          expect(Date.parse(state.delivery.fallback!.sentAt) - Date.parse(state.delivery.sentAt!)).toBeGreaterThanOrEqual(24 * HOUR);
          expect(sim.state.smsFor(phone)).toHaveLength(1);
          await handle.signal(feedbackSignal, feedback('SATISFIED', { channel: 'sms-link' }));
          expect((await handle.result()).outcome).toBe('SATISFIED');
          expect((await handle.describe()).typedSearchAttributes.get({ name: 'DeliveryStatus', type: 'KEYWORD' })).toBe('SMS_FALLBACK');
          // The 24 h reminder went on WhatsApp before the fallback; the 72 h one did not.
          expect((await handle.query(stateQuery)).reminders.map((r) => Boolean(r.sentAt))).toEqual([true, false]);
        },
      );
    } finally {
      await sim.close();
    }
  });

  test('sends the ATR again on an operator request, and refuses in quiet hours', async () => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await markDelivered(handle);
      const first = await handle.executeUpdate(resendAtrUpdate, { args: [{ requestedBy: 'ops:test' }] });
      expect(first).toMatchObject({ resends: 1, messageId: expect.stringMatching(/^outbox-/) });
      expect((await outbox(workflowId)).map((m) => m.purpose)).toEqual(['ATR', 'ATR']);
      await skipToIst(env, '22:00');
      const refused = await handle.executeUpdate(resendAtrUpdate, { args: [{ requestedBy: 'ops:test' }] }).catch((e) => e);
      expect(refused.cause?.message).toMatch(/^quiet hours/);
      await handle.signal(feedbackSignal, feedback('SATISFIED'));
      await handle.result();
      expect((await handle.query(stateQuery)).resends).toEqual([{ messageId: first.messageId, sentAt: expect.any(String), requestedBy: 'ops:test' }]);
    });
  });

  test('never lets a late "sent" status overwrite "read"', async () => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await env.sleep(60_000);
      const { delivery } = await handle.query(stateQuery);
      const at = new Date().toISOString();
      await handle.signal(deliveryStatusSignal, { messageId: delivery.messageId!, status: 'READ', at });
      await handle.signal(deliveryStatusSignal, { messageId: delivery.messageId!, status: 'SENT', at });
      await handle.signal(deliveryStatusSignal, { messageId: delivery.messageId!, status: 'DELIVERED', at });
      await handle.signal(feedbackSignal, feedback('SATISFIED'));
      await handle.result();
      const desc = await handle.describe();
      expect((await handle.query(stateQuery)).delivery.status).toBe('READ');
      expect(desc.typedSearchAttributes.get({ name: 'DeliveryStatus', type: 'KEYWORD' })).toBe('READ');
    });
  });

  test('keeps a "delivered" status that arrives before the ATR send completes, so no SMS fallback follows', async () => {
    await skipToIst(env, '10:00');
    const outboxMessenger = createOutboxMessenger(testPool());
    // The webhook wins the race: "delivered" reaches the workflow, and a workflow task runs, before the send returns.
    const racingMessenger: Messenger = {
      async send(req) {
        const sent = await outboxMessenger.send(req);
        if (req.message.kind !== 'ATR') return sent;
        const handle = env.client.workflow.getHandle(req.workflowId);
        await handle.signal(deliveryStatusSignal, { messageId: sent.messageId, status: 'DELIVERED', at: new Date().toISOString() });
        await eventually(async () => {
          const types = ((await handle.fetchHistory()).events ?? []).map((e) => e.eventType);
          return types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) > types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) || undefined;
        });
        return sent;
      },
    };
    await withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await env.sleep(25 * HOUR); // past the 24 h delivery deadline; there is no SMS gateway, so a fallback would fail
      await handle.signal(feedbackSignal, feedback('SATISFIED')).catch(() => undefined); // (the pre-patch code has ended by now)
      const result = await handle.result();
      await captureHistory(handle, 'v3-early-delivered-status');
      expect(result.outcome).toBe('SATISFIED');
      expect((await handle.query(stateQuery)).delivery).toMatchObject({ status: 'DELIVERED' });
      expect((await handle.describe()).typedSearchAttributes.get({ name: 'DeliveryStatus', type: 'KEYWORD' })).toBe('DELIVERED');
    }, { messenger: racingMessenger });
  });

  test('starts one workflow for a repeated closure of the same grievance and cycle', async () => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const closure = makeClosure();
      const first = await atr.closeGrievance(closure);
      const again = await atr.closeGrievance({ ...closure, subject: 'a changed subject' });
      expect(again).toEqual({ workflowId: first.workflowId, duplicate: true });
      const next = await atr.closeGrievance({ ...closure, cycle: 2 });
      expect(next.duplicate).toBe(false);
      expect(next.workflowId).not.toBe(first.workflowId);
      const handles = [first.workflowId, next.workflowId].map((id) => client.workflow.getHandle(id));
      for (const h of handles) await h.signal(feedbackSignal, feedback('SATISFIED'));
      for (const h of handles) expect((await h.result()).outcome).toBe('SATISFIED');
    });
  });

  test('keeps personal data out of the workflow id and search attributes', async () => {
    await skipToIst(env, '10:00');
    await withWorker(async ({ atr, client }) => {
      const closure = makeClosure();
      const { workflowId } = await atr.closeGrievance(closure);
      const desc = await client.workflow.getHandle(workflowId).describe();
      const visible = JSON.stringify({ workflowId, sa: desc.typedSearchAttributes.getAll() });
      expect(visible).toContain(closure.grievanceId);
      expect(visible).not.toContain('9876543210');
      expect(visible).not.toContain(closure.citizen!.name);
      expect(desc.typedSearchAttributes.get({ name: 'GrievanceId', type: 'KEYWORD' })).toBe(closure.grievanceId);
      await client.workflow.getHandle(workflowId).signal(feedbackSignal, feedback('SATISFIED'));
      await client.workflow.getHandle(workflowId).result();
    });
  });
});
