/**
 * The ATR workflow's delivery: held through quiet hours, undeliverable numbers, the SMS fallback,
 * resends on request, and delivery statuses that arrive late, twice, out of order or before the send.
 * Time-skipping server, real activities on the test PostgreSQL.
 */
import { temporal } from '@temporalio/proto';
import type { Messenger } from '../../../activities/ports';
import { deliveryStatusSignal, feedbackSignal, resendAtrUpdate, stateQuery } from '../../../contracts/workflow';
import { createOutboxMessenger } from '../../../messaging/outbox';
import { createSmsGateway } from '../../../messaging/sms/gateway';
import { buildSimulator } from '../../../tools/simulator/server';
import { testPool } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { captureHistory, istClock, skipToIst } from '../../helpers/temporal';
import { eventually, uniqueMobile } from '../../helpers/whatsapp';
import { HOUR, feedback, markDelivered, outbox, untilState, useAtrTestBed, withSimulatedChannels } from './support';

const { EventType } = temporal.api.enums.v1;
const bed = useAtrTestBed();

describe('atrWorkflow delivery', () => {
  test('holds an ATR closed at 23:30 IST until 09:00 IST', async () => {
    await skipToIst(bed.env, '23:30');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await handle.result();
      const state = await handle.query(stateQuery);
      expect(istClock(state.delivery.sentAt!)).toBe('09:00');
      await captureHistory(handle, 'quiet-hours-hold');
    });
  });

  test('ends UNDELIVERABLE when WhatsApp reports the number can never receive it, no SMS can go, and no channel brought feedback', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      const messageId = await untilState(handle, (s) => s.delivery.messageId);
      await handle.signal(deliveryStatusSignal, {
        messageId,
        status: 'FAILED',
        permanent: true,
        faultClass: 'CITIZEN_UNREACHABLE',
        errorCode: 131026,
        errorTitle: 'Message undeliverable',
        at: new Date().toISOString(),
      });
      // No SMS gateway in this test: the fallback cannot help either, and the reason says both.
      expect(await handle.result()).toMatchObject({ outcome: 'UNDELIVERABLE', reason: expect.stringMatching(/^Message undeliverable; SMS: /) });
      const state = await handle.query(stateQuery);
      expect(state.delivery).toMatchObject({ status: 'UNDELIVERABLE', errorCode: 131026 });
      expect(state.reminders.filter((r) => r.sentAt)).toEqual([]);
      // The helpline and the portal could still decide until the window ended.
      expect(Date.parse(state.feedbackWindowEndsAt!) - Date.parse(state.delivery.sentAt!)).toBe(168 * HOUR);
      // The portal hears that WhatsApp cannot reach the number, that SMS cannot either, then the outcome.
      const { rows } = await testPool().query('SELECT type, data FROM portal_events WHERE grievance_id = $1 ORDER BY sequence', [state.grievanceId]);
      expect(rows.map((r) => [r.type, r.data.channel ?? r.data.outcome])).toEqual([
        ['atr.undeliverable', 'whatsapp'],
        ['atr.undeliverable', 'sms'],
        ['closure.outcome', 'UNDELIVERABLE'],
      ]);
      expect(rows[0].data.errorCode).toBe(131026);
      await captureHistory(handle, 'undeliverable');
    });
  });

  test('sends the ATR link by SMS when WhatsApp has not delivered it by the deadline, keeps the conversation open, and stops WhatsApp reminders', async () => {
    const sim = await buildSimulator({ appSecret: 's', accessToken: 'sms-token', phoneNumberId: '100000000000001' });
    const simUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      await skipToIst(bed.env, '10:00');
      await bed.withWorker(
        async ({ atr, client }) => {
          const phone = '+919812300077';
          const { workflowId } = await atr.closeGrievance(makeClosure({ citizen: { name: 'राधा', phone, language: 'hi' } }));
          const handle = client.workflow.getHandle(workflowId);
          await bed.env.sleep(25 * HOUR); // the ATR was accepted but no "delivered" came
          const state = await handle.query(stateQuery);
          expect(state.delivery).toMatchObject({ status: 'SENT', fallback: { channel: 'sms' } });
          expect(Date.parse(state.delivery.fallback!.sentAt) - Date.parse(state.delivery.sentAt!)).toBeGreaterThanOrEqual(24 * HOUR);
          expect(sim.state.smsFor(phone)).toHaveLength(1);
          await handle.signal(feedbackSignal, feedback('SATISFIED', { channel: 'sms-link' }));
          expect((await handle.result()).outcome).toBe('SATISFIED');
          expect((await handle.describe()).typedSearchAttributes.get({ name: 'DeliveryStatus', type: 'KEYWORD' })).toBe('SMS_FALLBACK');
          // The 24 h reminder went on WhatsApp before the fallback; the 72 h one did not.
          expect((await handle.query(stateQuery)).reminders.map((r) => Boolean(r.sentAt))).toEqual([true, false]);
          // The portal hears of the SMS link, then the feedback that came through it, then the outcome.
          const { rows } = await testPool().query('SELECT type, data FROM portal_events WHERE grievance_id = $1 ORDER BY sequence', [state.grievanceId]);
          expect(rows.map((r) => r.type)).toEqual(['atr.sms_fallback', 'feedback.received', 'closure.outcome']);
          expect(rows[0].data).toEqual({ workflowId, messageId: state.delivery.fallback!.messageId, sentAt: state.delivery.fallback!.sentAt });
          await captureHistory(handle, 'sms-fallback');
        },
        { sms: createSmsGateway({ url: `${simUrl}/sms`, token: 'sms-token', sender: 'RJSMPK', timeoutMs: 5_000 }) },
      );
    } finally {
      await sim.close();
    }
  });

  test('sends the ATR again on an operator request and reports its status, warns once the outcome is decided, and refuses in quiet hours', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await markDelivered(handle);
      const pending = handle.executeUpdate(resendAtrUpdate, { args: [{ requestedBy: 'ops:test' }] });
      const resent = await untilState(handle, (s) => s.resends?.[0]?.messageId);
      await handle.signal(deliveryStatusSignal, { messageId: resent, status: 'DELIVERED', at: new Date().toISOString() });
      expect(await pending).toEqual({ messageId: resent, resends: 1, channel: 'whatsapp', status: 'DELIVERED' });
      expect((await outbox(workflowId)).map((m) => m.purpose)).toEqual(['ATR', 'ATR']);

      await handle.signal(feedbackSignal, feedback('SATISFIED'));
      await untilState(handle, (s) => s.outcome);
      // No status comes for this one: after the wait it reports SENT, and says the outcome is already decided.
      const [late] = await Promise.all([handle.executeUpdate(resendAtrUpdate, { args: [{ requestedBy: 'ops:test' }] }), bed.env.sleep(31_000)]);
      expect(late).toMatchObject({ resends: 2, channel: 'whatsapp', status: 'SENT', outcomeDecided: 'SATISFIED' });

      await skipToIst(bed.env, '22:00');
      const refused = await handle.executeUpdate(resendAtrUpdate, { args: [{ requestedBy: 'ops:test' }] }).catch((e) => e);
      expect(refused.cause?.message).toMatch(/^quiet hours/);
      await handle.result();
      expect((await handle.query(stateQuery)).resends?.map((r) => r.requestedBy)).toEqual(['ops:test', 'ops:test']);
    });
  });

  test('refuses a resend when WhatsApp cannot reach the citizen and no SMS can go', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      const messageId = await untilState(handle, (s) => s.delivery.messageId);
      await handle.signal(deliveryStatusSignal, { messageId, status: 'FAILED', permanent: true, faultClass: 'CITIZEN_UNREACHABLE', errorCode: 131026, at: new Date().toISOString() });
      await untilState(handle, (s) => (s.delivery.reason?.includes('SMS') ? true : undefined));
      const refused = await handle.executeUpdate(resendAtrUpdate, { args: [{ requestedBy: 'ops:test' }] }).catch((e) => e);
      expect(refused.cause?.message).toMatch(/^WhatsApp cannot reach this citizen, and the SMS link cannot go either/);
      expect((await outbox(workflowId)).map((m) => m.purpose)).toEqual(['ATR']);
      await handle.signal(feedbackSignal, feedback('SATISFIED'));
      await handle.result();
    });
  });

  test('resends by SMS when WhatsApp cannot reach the citizen and a gateway is configured', async () => {
    await skipToIst(bed.env, '10:00');
    await withSimulatedChannels(
      bed,
      async ({ atr, client, sim }) => {
        const phone = uniqueMobile();
        const { workflowId } = await atr.closeGrievance(makeClosure({ citizen: { name: 'राधा', phone, language: 'hi' } }));
        const handle = client.workflow.getHandle(workflowId);
        const messageId = await untilState(handle, (s) => s.delivery.messageId);
        await handle.signal(deliveryStatusSignal, { messageId, status: 'FAILED', permanent: true, faultClass: 'CITIZEN_UNREACHABLE', errorCode: 131026, at: new Date().toISOString() });
        await untilState(handle, (s) => s.delivery.fallback);
        const [outcome] = await Promise.all([handle.executeUpdate(resendAtrUpdate, { args: [{ requestedBy: 'ops:test' }] }), bed.env.sleep(31_000)]);
        expect(outcome).toMatchObject({ channel: 'sms', status: 'SENT', resends: 1 });
        expect(sim.state.smsFor(phone).length).toBeGreaterThanOrEqual(1);
        expect(sim.state.messagesFor(phone).filter((m) => m.wamid)).toHaveLength(1); // WhatsApp was not tried again
        await handle.signal(feedbackSignal, feedback('SATISFIED', { channel: 'sms-link' }));
        expect((await handle.result()).outcome).toBe('SATISFIED');
      },
      { sms: true },
    );
  });

  test('never lets a late "sent" status overwrite "read"', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await bed.env.sleep(60_000);
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
    await skipToIst(bed.env, '10:00');
    const outboxMessenger = createOutboxMessenger(testPool());
    // The webhook wins the race: "delivered" reaches the workflow, and a workflow task runs, before the send returns.
    const racingMessenger: Messenger = {
      async send(req) {
        const sent = await outboxMessenger.send(req);
        if (req.message.kind !== 'ATR') return sent;
        const handle = bed.env.client.workflow.getHandle(req.workflowId);
        await handle.signal(deliveryStatusSignal, { messageId: sent.messageId, status: 'DELIVERED', at: new Date().toISOString() });
        await eventually(async () => {
          const types = ((await handle.fetchHistory()).events ?? []).map((e) => e.eventType);
          return types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) > types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) || undefined;
        });
        return sent;
      },
    };
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await bed.env.sleep(25 * HOUR); // past the 24 h delivery deadline; there is no SMS gateway, so a fallback would fail
      await handle.signal(feedbackSignal, feedback('SATISFIED'));
      const result = await handle.result();
      await captureHistory(handle, 'early-delivered-status');
      expect(result.outcome).toBe('SATISFIED');
      expect((await handle.query(stateQuery)).delivery).toMatchObject({ status: 'DELIVERED' });
      expect((await handle.describe()).typedSearchAttributes.get({ name: 'DeliveryStatus', type: 'KEYWORD' })).toBe('DELIVERED');
    }, { messenger: racingMessenger });
  });
});
