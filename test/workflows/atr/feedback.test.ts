/**
 * The ATR workflow's feedback: a satisfied reply, repeated and second feedback, and feedback after the
 * window (recorded and acknowledged without changing the outcome).
 * Time-skipping server, real activities on the test PostgreSQL.
 */
import { feedbackSignal, stateQuery, type AtrResult } from '../../../contracts/workflow';
import { testPool } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { captureHistory, istClock, skipToIst } from '../../helpers/temporal';
import { HOUR, feedback, markDelivered, outbox, scheduledAt, useAtrTestBed } from './support';

const bed = useAtrTestBed();

describe('atrWorkflow feedback', () => {
  test('ends SATISFIED on a satisfied reply, stops reminding, and thanks the citizen', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await markDelivered(handle);
      await bed.env.sleep(30 * HOUR); // after the first reminder
      await handle.signal(feedbackSignal, feedback('SATISFIED', { channel: 'whatsapp' }));
      const result: AtrResult = await handle.result();
      expect(result.outcome).toBe('SATISFIED');
      const state = await handle.query(stateQuery);
      expect(state.reminders.filter((r) => r.sentAt)).toHaveLength(1);
      expect((await outbox(workflowId)).map((m) => m.purpose)).toEqual(['ATR', 'REMINDER', 'ACKNOWLEDGEMENT']);
      const { rows } = await testPool().query('SELECT rating, decisive, late FROM feedback WHERE workflow_id = $1', [workflowId]);
      expect(rows).toEqual([{ rating: 'SATISFIED', decisive: true, late: false }]);
      await captureHistory(handle, 'satisfied-after-reminder');
    });
  });

  test('ignores a repeated feedback signal with the same message id', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
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
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await handle.signal(feedbackSignal, feedback('SATISFIED'));
      await bed.env.sleep(HOUR);
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
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await markDelivered(handle);
      await bed.env.sleep(170 * HOUR); // window of 168 h has closed
      expect((await handle.query(stateQuery)).outcome).toBe('NO_RESPONSE');
      await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { reason: 'DELAY' }));
      const result: AtrResult = await handle.result();
      expect(result).toMatchObject({ outcome: 'NO_RESPONSE', lateFeedbackCount: 1 });
      const { rows } = await testPool().query('SELECT decisive, late FROM feedback WHERE workflow_id = $1', [workflowId]);
      expect(rows).toEqual([{ decisive: false, late: true }]);
      expect((await outbox(workflowId)).at(-1)?.purpose).toBe('ACKNOWLEDGEMENT');
      expect((await testPool().query('SELECT 1 FROM escalations WHERE workflow_id = $1', [workflowId])).rowCount).toBe(0);
      await captureHistory(handle, 'late-feedback');
    });
  });

  test('acknowledges a reply that came at 23:00 IST at 09:00 IST, and records the outcome at once', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await markDelivered(handle);
      await skipToIst(bed.env, '23:00');
      await handle.signal(feedbackSignal, feedback('SATISFIED', { channel: 'whatsapp' }));
      expect((await handle.result()).outcome).toBe('SATISFIED');
      const [acked] = await scheduledAt(handle, 'acknowledgeFeedback');
      const [recorded] = await scheduledAt(handle, 'recordOutcome');
      expect(istClock(acked!)).toBe('09:00');
      expect(istClock(recorded!)).toBe('23:00');
      expect((await outbox(workflowId)).at(-1)?.purpose).toBe('ACKNOWLEDGEMENT');
    });
  });
});
