/**
 * The ATR workflow's escalation of "not satisfied": the level per cycle, the WhatsApp dialogue for the
 * reason and comment, and the portal's reopen callback (retried, or refused with a 4xx).
 * Time-skipping server, real activities on the test PostgreSQL.
 */
import { feedbackDetailsSignal, feedbackSignal, stateQuery, type AtrResult } from '../../../contracts/workflow';
import { testPool } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { startFakePortal } from '../../helpers/portal';
import { captureHistory, skipToIst } from '../../helpers/temporal';
import { HOUR, feedback, outbox, useAtrTestBed } from './support';

const bed = useAtrTestBed();

describe('atrWorkflow escalation', () => {
  test('escalates "not satisfied" to the department with the reason and comment, and reopens it on the portal', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const closure = makeClosure();
      const { workflowId } = await atr.closeGrievance(closure);
      const handle = client.workflow.getHandle(workflowId);
      await bed.env.sleep(2 * HOUR);
      await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { reason: 'NOT_RESOLVED', comment: 'नाली अब भी भरी है' }));
      const result: AtrResult = await handle.result();
      expect(result).toMatchObject({ outcome: 'ESCALATED', escalationLevel: 1 });
      const { rows } = await testPool().query('SELECT * FROM escalations WHERE workflow_id = $1', [workflowId]);
      expect(rows[0]).toMatchObject({ level: 1, level_name: 'DEPARTMENT', reason: 'NOT_RESOLVED', comment: 'नाली अब भी भरी है', portal_callback: 'DONE' });
      const call = bed.portal.calls.find((c) => c.body.grievanceId === closure.grievanceId);
      expect(call?.body).toMatchObject({ event: 'grievance.reopen', cycle: 1, level: 1, reason: 'NOT_RESOLVED' });
      expect(call?.headers['idempotency-key']).toBe(rows[0].escalation_id);
      await captureHistory(handle, 'escalated-department');
    });
  });

  test.each([
    [2, 2, 'DISTRICT'],
    [3, 3, 'STATE'],
    [5, 3, 'STATE'],
  ])('escalates cycle %i at level %i (%s)', async (cycle, level, levelName) => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure({ cycle }));
      const handle = client.workflow.getHandle(workflowId);
      await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { reason: 'DELAY' }));
      expect(await handle.result()).toMatchObject({ outcome: 'ESCALATED', escalationLevel: level });
      const { rows } = await testPool().query('SELECT level, level_name FROM escalations WHERE workflow_id = $1', [workflowId]);
      expect(rows).toEqual([{ level, level_name: levelName }]);
    });
  });

  test('waits for the reason and comment that follow a WhatsApp "not satisfied" before escalating', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { channel: 'whatsapp' }));
      await bed.env.sleep(60_000);
      await handle.signal(feedbackDetailsSignal, { messageId: 'wamid.reason', reason: 'NO_CONTACT', receivedAt: new Date().toISOString() });
      await handle.signal(feedbackDetailsSignal, { messageId: 'wamid.comment', comment: 'कोई अधिकारी नहीं आया', receivedAt: new Date().toISOString() });
      expect((await handle.result()).outcome).toBe('ESCALATED');
      const { rows } = await testPool().query('SELECT reason, comment FROM escalations WHERE workflow_id = $1', [workflowId]);
      expect(rows).toEqual([{ reason: 'NO_CONTACT', comment: 'कोई अधिकारी नहीं आया' }]);
      // The dialogue: the list of reasons, then the invitation to comment, then the acknowledgement.
      expect((await outbox(workflowId)).map((m) => m.purpose)).toEqual(['ATR', 'REASON_LIST', 'COMMENT_PROMPT', 'ACKNOWLEDGEMENT']);
      await captureHistory(handle, 'escalated-after-details');
    });
  });

  test('escalates without details when none come within 30 minutes', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
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
      await skipToIst(bed.env, '10:00');
      await bed.withWorker(
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
      await skipToIst(bed.env, '10:00');
      await bed.withWorker(
        async ({ atr, client }) => {
          const { workflowId } = await atr.closeGrievance(makeClosure());
          const handle = client.workflow.getHandle(workflowId);
          await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { reason: 'OTHER' }));
          expect((await handle.result()).outcome).toBe('ESCALATED');
          expect(refusing.calls).toHaveLength(1);
          const state = await handle.query(stateQuery);
          expect(state.escalation).toMatchObject({ portalCallback: 'REJECTED', portalCallbackError: 'portal callback refused with HTTP 422' });
          await captureHistory(handle, 'portal-rejected');
          const { rows } = await testPool().query('SELECT portal_callback FROM escalations WHERE workflow_id = $1', [workflowId]);
          expect(rows[0].portal_callback).toBe('REJECTED');
        },
        { portalUrl: refusing.url },
      );
    } finally {
      await refusing.close();
    }
  });
});
