/**
 * One live cycle per grievance: a closure for cycle n+1 supersedes cycle n, which stops messaging at once,
 * records what was queued, and ends SUPERSEDED. Time-skipping server, real activities on the test PostgreSQL.
 */
import { feedbackDetailsSignal, feedbackSignal, stateQuery, supersededSignal } from '../../../contracts/workflow';
import { testPool } from '../../helpers/db';
import { makeClosure, uniqueGrievanceId } from '../../helpers/fixtures';
import { captureHistory, skipToIst } from '../../helpers/temporal';
import { HOUR, feedback, markDelivered, outbox, useAtrTestBed } from './support';

const bed = useAtrTestBed();

describe('atrWorkflow superseded', () => {
  test('ends cycle 1 SUPERSEDED with nothing more sent when cycle 2 is posted while it waits, and cycle 2 proceeds', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const grievanceId = uniqueGrievanceId();
      const one = await atr.closeGrievance(makeClosure({ grievanceId, cycle: 1 }));
      const first = client.workflow.getHandle(one.workflowId);
      await markDelivered(first);
      await bed.env.sleep(2 * HOUR);
      const two = await atr.closeGrievance(makeClosure({ grievanceId, cycle: 2 }));
      expect(await first.result()).toMatchObject({ outcome: 'SUPERSEDED' });
      const second = client.workflow.getHandle(two.workflowId);
      await markDelivered(second);
      await bed.env.sleep(30 * HOUR); // past the first reminder of both cycles
      expect((await outbox(one.workflowId)).map((m) => m.purpose)).toEqual(['ATR']);
      expect((await second.query(stateQuery)).stage).toBe('AWAITING_FEEDBACK');
      await second.signal(feedbackSignal, feedback('SATISFIED'));
      expect((await second.result()).outcome).toBe('SATISFIED');
      expect((await outbox(two.workflowId)).map((m) => m.purpose)).toEqual(['ATR', 'REMINDER', 'ACKNOWLEDGEMENT']);
    });
  });

  test('on the superseded signal, records what was queued and ends SUPERSEDED at once, with no late-feedback period', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await markDelivered(handle);
      await handle.signal(feedbackDetailsSignal, { messageId: 'wamid.details-alone', comment: 'अभी भी पानी भरा है', receivedAt: new Date().toISOString() });
      const startedAt = await bed.env.currentTimeMs();
      await handle.signal(supersededSignal, { byWorkflowId: 'atr-newer-c2', cycle: 2 });
      expect(await handle.result()).toMatchObject({ outcome: 'SUPERSEDED', reason: 'superseded by atr-newer-c2' });
      expect((await handle.describe()).closeTime!.getTime() - startedAt).toBeLessThan(HOUR);
      expect((await outbox(workflowId)).map((m) => m.purpose)).toEqual(['ATR']);
      const { rows } = await testPool().query('SELECT comment FROM feedback_details WHERE workflow_id = $1', [workflowId]);
      expect(rows).toEqual([{ comment: 'अभी भी पानी भरा है' }]);
      expect((await testPool().query('SELECT outcome FROM closures WHERE workflow_id = $1', [workflowId])).rows[0].outcome).toBe('SUPERSEDED');
      await captureHistory(handle, 'superseded');
    });
  });
});
