/**
 * The ATR workflow when the channel says little or fails: silence is not failure, statuses only move forward,
 * and every channel (the helpline, the portal, the SMS link page) counts until the window ends.
 * Time-skipping server, real activities on the test PostgreSQL; no SMS gateway unless a test says so.
 */
import { SA, deliveryStatusSignal, feedbackSignal, stateQuery } from '../../../contracts/workflow';
import { makeClosure } from '../../helpers/fixtures';
import { skipToIst } from '../../helpers/temporal';
import { HOUR, feedback, outbox, untilState, useAtrTestBed } from './support';

const bed = useAtrTestBed();

describe('atrWorkflow channels', () => {
  test('ends NO_RESPONSE, never UNDELIVERABLE, when no receipt comes and there is no SMS gateway', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      expect(await handle.result()).toMatchObject({ outcome: 'NO_RESPONSE' });
      const state = await handle.query(stateQuery);
      expect(state.delivery.status).toBe('SENT');
      expect(state.delivery.fallback).toBeUndefined();
      // The WhatsApp conversation stayed open: both reminders went.
      expect((await outbox(workflowId)).map((m) => m.purpose)).toEqual(['ATR', 'REMINDER', 'REMINDER']);
    });
  });

  test("takes the citizen's tap on day 2 when no receipt came and there is no SMS gateway", async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure({ feedbackPolicy: { deliveryDeadlineHours: 1 } }));
      const handle = client.workflow.getHandle(workflowId);
      await bed.env.sleep(30 * HOUR);
      expect((await handle.query(stateQuery)).stage).toBe('AWAITING_FEEDBACK');
      await handle.signal(feedbackSignal, feedback('SATISFIED', { channel: 'whatsapp' }));
      expect((await handle.result()).outcome).toBe('SATISFIED');
    });
  });

  test('never lets a late "failed" undo "read", whoever\'s fault it names', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      const messageId = await untilState(handle, (s) => s.delivery.messageId);
      const at = new Date().toISOString();
      await handle.signal(deliveryStatusSignal, { messageId, status: 'READ', at });
      await handle.signal(deliveryStatusSignal, { messageId, status: 'FAILED', errorCode: 131026, permanent: true, faultClass: 'CITIZEN_UNREACHABLE', at });
      await handle.signal(deliveryStatusSignal, { messageId, status: 'FAILED', errorCode: 132015, faultClass: 'OUR_SIDE', at });
      await handle.signal(deliveryStatusSignal, { messageId, status: 'FAILED', errorCode: 131000, faultClass: 'TRANSIENT', at });
      await bed.env.sleep(2 * HOUR);
      const state = await handle.query(stateQuery);
      expect(state).toMatchObject({ stage: 'AWAITING_FEEDBACK', delivery: { status: 'READ' } });
      expect(state.delivery.blocked).toBeUndefined();
      await handle.signal(feedbackSignal, feedback('SATISFIED'));
      expect((await handle.result()).outcome).toBe('SATISFIED');
      expect((await handle.describe()).typedSearchAttributes.get(SA.deliveryStatus)).toBe('READ');
      expect((await outbox(workflowId)).filter((m) => m.purpose === 'ATR')).toHaveLength(1);
    });
  });

  test('takes decisive helpline feedback on day 2 when WhatsApp cannot reach the citizen and there is no SMS gateway', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      const messageId = await untilState(handle, (s) => s.delivery.messageId);
      await handle.signal(deliveryStatusSignal, { messageId, status: 'FAILED', errorCode: 131026, permanent: true, faultClass: 'CITIZEN_UNREACHABLE', errorTitle: 'Message undeliverable', at: new Date().toISOString() });
      await bed.env.sleep(48 * HOUR);
      const waiting = await handle.query(stateQuery);
      expect(waiting).toMatchObject({ stage: 'AWAITING_FEEDBACK', delivery: { status: 'UNDELIVERABLE' } });
      expect(waiting.outcome).toBeUndefined();
      await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { channel: 'helpline', reason: 'NOT_RESOLVED' }));
      expect(await handle.result()).toMatchObject({ outcome: 'ESCALATED', escalationLevel: 1 });
      // No reminders to a number WhatsApp cannot reach, and no acknowledgement either.
      expect((await outbox(workflowId)).map((m) => m.purpose)).toEqual(['ATR']);
    });
  });
});
