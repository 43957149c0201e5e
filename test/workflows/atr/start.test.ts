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
  test('starts one workflow per grievance and cycle: the same closure again is a duplicate, a changed one is refused', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const closure = makeClosure();
      const first = await atr.closeGrievance(closure);
      expect(await atr.closeGrievance(closure)).toEqual({ workflowId: first.workflowId, duplicate: true });
      await expect(atr.closeGrievance({ ...closure, subject: 'a changed subject' })).rejects.toMatchObject({
        name: 'ClosureConflictError',
        workflowId: first.workflowId,
        fields: [{ field: 'subject' }],
      });
      const handle = client.workflow.getHandle(first.workflowId);
      await handle.signal(feedbackSignal, feedback('SATISFIED'));
      expect((await handle.result()).outcome).toBe('SATISFIED');

      const next = await atr.closeGrievance({ ...closure, cycle: 2, subject: 'a changed subject' });
      expect(next).toEqual({ workflowId: first.workflowId.replace(/-c1$/, '-c2'), duplicate: false });
      await client.workflow.getHandle(next.workflowId).signal(feedbackSignal, feedback('SATISFIED'));
      expect((await client.workflow.getHandle(next.workflowId).result()).outcome).toBe('SATISFIED');
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
