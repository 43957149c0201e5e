/**
 * The start of the ATR workflow: one workflow per closure (grievance and cycle), and no personal data
 * in what the Web UI shows (workflow id, search attributes).
 * Time-skipping server, real activities on the test PostgreSQL.
 */
import { feedbackSignal } from '../../../contracts/workflow';
import { makeClosure } from '../../helpers/fixtures';
import { skipToIst } from '../../helpers/temporal';
import { feedback, useAtrTestBed } from './support';

const bed = useAtrTestBed();

describe('atrWorkflow start', () => {
  test('starts one workflow for a repeated closure of the same grievance and cycle', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
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
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
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
