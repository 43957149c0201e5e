/**
 * The ATR workflow when a fault on our side (an expired token, a paused template) blocks the channel: the closure
 * is held, visibly, and never ends by it; it resumes by itself once the fault is fixed (or at once on ops' word),
 * and the citizen can still decide on another channel meanwhile.
 * Time-skipping server, real activities on the test PostgreSQL, WhatsApp through the simulator where it answers.
 */
import { SA, deliveryStatusSignal, feedbackSignal, resumeDeliverySignal, stateQuery } from '../../../contracts/workflow';
import { testPool } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { captureHistory, skipToIst } from '../../helpers/temporal';
import { uniqueMobile } from '../../helpers/whatsapp';
import { HOUR, feedback, outbox, untilState, useAtrTestBed, withSimulatedChannels } from './support';

const bed = useAtrTestBed({ perTest: true });
const MINUTE = 60_000;

describe('atrWorkflow held by a fault on our side', () => {
  test('holds the ATR while Meta answers 190, sends it within 2 minutes of the fix, and starts the window then', async () => {
    await skipToIst(bed.env, '10:00');
    await withSimulatedChannels(bed, async ({ atr, client, sim }) => {
      sim.state.faults.set([{ endpoint: 'messages', code: 190, details: 'Error validating access token: Session has expired' }]);
      const phone = uniqueMobile();
      const closedAt = await bed.env.currentTimeMs();
      const { workflowId } = await atr.closeGrievance(makeClosure({ citizen: { name: 'राधा', phone, language: 'hi' } }));
      const handle = client.workflow.getHandle(workflowId);
      await bed.env.sleep(30 * MINUTE);

      const held = await handle.query(stateQuery);
      expect(held).toMatchObject({ stage: 'DELIVERY_BLOCKED', delivery: { status: 'PENDING', blocked: { channel: 'whatsapp', code: 'whatsapp:190' } } });
      expect(held.outcome).toBeUndefined();
      expect((await handle.describe()).typedSearchAttributes.get(SA.deliveryBlocked)).toBe('whatsapp:190');
      expect(sim.state.messagesFor(phone).filter((m) => m.wamid)).toEqual([]);

      sim.state.faults.clear();
      const fixedAt = await bed.env.currentTimeMs();
      await bed.env.sleep(2 * MINUTE);
      const out = await handle.query(stateQuery);
      expect(out.stage).toBe('AWAITING_FEEDBACK');
      expect(out.delivery.blocked).toBeUndefined();
      expect((await handle.describe()).typedSearchAttributes.get(SA.deliveryBlocked)).toBeUndefined();
      const sentAt = Date.parse(out.delivery.sentAt!);
      expect(sentAt - fixedAt).toBeLessThanOrEqual(2 * MINUTE);
      expect(sentAt - closedAt).toBeGreaterThanOrEqual(30 * MINUTE);
      expect(Date.parse(out.feedbackWindowEndsAt!) - sentAt).toBe(168 * HOUR); // the window runs from the ATR going out
      expect(sim.state.messagesFor(phone).filter((m) => m.wamid)).toHaveLength(1);

      await handle.signal(feedbackSignal, feedback('SATISFIED', { channel: 'whatsapp' }));
      expect((await handle.result()).outcome).toBe('SATISFIED');
    });
  });

  test('sends a held ATR at once when ops resume it', async () => {
    await skipToIst(bed.env, '10:00');
    await withSimulatedChannels(bed, async ({ atr, client, sim }) => {
      sim.state.faults.set([{ endpoint: 'messages', code: 190 }]);
      const { workflowId } = await atr.closeGrievance(makeClosure({ citizen: { name: 'राधा', phone: uniqueMobile(), language: 'hi' } }));
      const handle = client.workflow.getHandle(workflowId);
      await bed.env.sleep(5 * MINUTE);
      await untilState(handle, (s) => (s.stage === 'DELIVERY_BLOCKED' ? true : undefined));
      sim.state.faults.clear();
      const resumedAt = await bed.env.currentTimeMs();
      await handle.signal(resumeDeliverySignal, { requestedBy: 'ops:test' });
      // The server's clock does not move while we poll: only the resume can have sent it.
      const sentAt = await untilState(handle, (s) => s.delivery.sentAt);
      expect(Date.parse(sentAt) - resumedAt).toBeLessThan(MINUTE);
      await handle.signal(feedbackSignal, feedback('SATISFIED'));
      expect((await handle.result()).outcome).toBe('SATISFIED');
    });
  });

  test('takes decisive helpline feedback while the ATR is held, and sends the citizen nothing', async () => {
    await skipToIst(bed.env, '10:00');
    await withSimulatedChannels(bed, async ({ atr, client, sim }) => {
      sim.state.faults.set([{ endpoint: 'messages', code: 190 }]);
      const phone = uniqueMobile();
      const { workflowId } = await atr.closeGrievance(makeClosure({ citizen: { name: 'राधा', phone, language: 'hi' } }));
      const handle = client.workflow.getHandle(workflowId);
      await bed.env.sleep(10 * MINUTE);
      await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { reason: 'DELAY', comment: 'नाली फिर भर गई' }));
      const result = await handle.result();
      expect(result).toMatchObject({ outcome: 'ESCALATED', escalationLevel: 1 });
      const { rows } = await testPool().query('SELECT rating, decisive FROM feedback WHERE workflow_id = $1', [workflowId]);
      expect(rows).toEqual([{ rating: 'NOT_SATISFIED', decisive: true }]);
      expect((await testPool().query('SELECT 1 FROM escalations WHERE workflow_id = $1', [workflowId])).rowCount).toBe(1);
      expect(sim.state.messagesFor(phone).filter((m) => m.wamid)).toEqual([]);
      expect((await handle.describe()).typedSearchAttributes.get(SA.deliveryBlocked)).toBeUndefined(); // ended: no longer listed as held
    });
  });

  test('holds an ATR that failed on our side after Meta accepted it, and sends it again once the fault clears', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      const first = await untilState(handle, (s) => s.delivery.messageId);
      await handle.signal(deliveryStatusSignal, {
        messageId: first,
        status: 'FAILED',
        errorCode: 132015,
        errorTitle: 'Template is paused',
        faultClass: 'OUR_SIDE',
        at: new Date().toISOString(),
      });
      const held = await untilState(handle, (s) => (s.stage === 'DELIVERY_BLOCKED' ? s : undefined));
      expect(held.delivery).toMatchObject({ status: 'FAILED', blocked: { channel: 'whatsapp', code: 'whatsapp:132015' } });
      await bed.env.sleep(2 * MINUTE);
      const out = await handle.query(stateQuery);
      expect(out).toMatchObject({ stage: 'AWAITING_FEEDBACK', delivery: { status: 'SENT' } });
      expect(out.delivery.messageId).not.toBe(first);
      expect(out.delivery.blocked).toBeUndefined();
      expect(out.resends).toEqual([{ messageId: out.delivery.messageId, sentAt: out.delivery.sentAt, requestedBy: expect.stringMatching(/^workflow/) }]);
      expect((await outbox(workflowId)).map((m) => m.purpose)).toEqual(['ATR', 'ATR']);
      await handle.signal(feedbackSignal, feedback('SATISFIED'));
      expect((await handle.result()).outcome).toBe('SATISFIED');
      // The portal hears of the hold (a fault on our side, not the citizen's outcome), then the feedback and outcome.
      const { rows } = await testPool().query('SELECT type, data FROM portal_events WHERE grievance_id = $1 ORDER BY sequence', [held.grievanceId]);
      expect(rows.map((r) => r.type)).toEqual(['atr.delivery_blocked', 'feedback.received', 'closure.outcome']);
      expect(rows[0].data).toEqual({ workflowId, channel: 'whatsapp', code: 'whatsapp:132015', since: held.delivery.blocked!.since });
      await captureHistory(handle, 'blocked-then-resumed');
    });
  });
});
