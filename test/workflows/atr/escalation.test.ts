/**
 * The ATR workflow's escalation of "not satisfied": the level per cycle, the WhatsApp dialogue for the
 * reason and comment, and the events the portal hears of it (grievance.reopen from the ATR, escalation.raised from its ladder).
 * Time-skipping server, real activities on the test PostgreSQL.
 */
import { feedbackDetailsSignal, feedbackSignal, type AtrResult } from '../../../contracts/workflow';
import { testPool } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { captureHistory, skipToIst } from '../../helpers/temporal';
import { HOUR, feedback, markDelivered, outbox, useAtrTestBed } from './support';

const bed = useAtrTestBed({ perTest: true });

describe('atrWorkflow escalation', () => {
  test('escalates "not satisfied" to the department with the reason and comment, and reopens it on the portal', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const closure = makeClosure();
      const { workflowId } = await atr.closeGrievance(closure);
      const handle = client.workflow.getHandle(workflowId);
      await markDelivered(handle);
      await bed.env.sleep(2 * HOUR);
      await handle.signal(feedbackSignal, feedback('NOT_SATISFIED', { reason: 'NOT_RESOLVED', comment: 'नाली अब भी भरी है' }));
      const result: AtrResult = await handle.result();
      expect(result).toMatchObject({ outcome: 'ESCALATED', escalationLevel: 1 });
      const { rows } = await testPool().query('SELECT * FROM escalations WHERE workflow_id = $1', [workflowId]);
      expect(rows[0]).toMatchObject({ level: 1, level_name: 'DEPARTMENT', reason: 'NOT_RESOLVED', comment: 'नाली अब भी भरी है' });
      // The closure's life as the portal hears it, in order, numbered without gaps; the citizen's comment stays with us.
      // The ladder tells of its own steps alongside (raised, then a level change each time the skipped clock passes an SLA).
      const events = await testPool().query('SELECT type, sequence, data FROM portal_events WHERE grievance_id = $1 ORDER BY sequence', [closure.grievanceId]);
      const ofTheAtr = events.rows.filter((e) => !e.type.startsWith('escalation.'));
      expect(ofTheAtr.map((e) => e.type)).toEqual(['atr.delivered', 'feedback.received', 'grievance.reopen', 'closure.outcome']);
      expect(events.rows.map((e) => Number(e.sequence))).toEqual(events.rows.map((_, i) => i + 1));
      expect(ofTheAtr[2].data).toEqual({ workflowId, escalationId: rows[0].escalation_id, level: 1, reason: 'NOT_RESOLVED' });
      expect(ofTheAtr[3].data).toEqual({ workflowId, outcome: 'ESCALATED' });
      const raised = events.rows.filter((e) => e.type === 'escalation.raised');
      expect(raised.map((e) => e.data)).toEqual([expect.objectContaining({ escalationId: rows[0].escalation_id, workflowId, level: 1, levelName: 'DEPARTMENT', reason: 'NOT_RESOLVED' })]);
      expect(JSON.stringify(events.rows)).not.toContain('नाली');
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
});
