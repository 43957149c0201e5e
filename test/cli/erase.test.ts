/**
 * `erase` on the dev server and PostgreSQL: a citizen's running workflow is terminated and its executions
 * deleted, every table is cleared of their personal values (a live closure's and an older cycle's), the report
 * counts the same; a repeat erases nothing more; an unknown grievance says so; a bad id names the option.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { CliError } from '../../cli/output';
import { parseEraseGrievance, printErase, runErase } from '../../cli/erase';
import { createReports } from '../../db/reports';
import { testPool } from '../helpers/db';
import { makeClosure, uniqueGrievanceId } from '../helpers/fixtures';
import { findPersonalValues, personalValuesOf, seedPersonalClosure } from '../helpers/personal-data';
import { runWithWorker, useDevServer } from '../helpers/temporal';
import { capture, daytime, eventually, uniqueCode, waitForStage } from './support';
import { escalationWorkflowId } from '../../contracts/escalation';

const dev = useDevServer();

test("terminates and deletes the grievance's workflows and erases its personal data everywhere, the report unchanged", async () => {
  const department = uniqueCode('ERS');
  const grievanceId = uniqueGrievanceId('E');
  const live = {
    name: `Erase ${grievanceId} Devi`,
    phone: `9${String(Date.now()).slice(-9)}`,
    subject: `Subject of ${grievanceId}`,
    actionTaken: `Action for ${grievanceId}`,
    officer: `Officer of ${grievanceId}`,
    comment: `Still broken says ${grievanceId}`,
  };
  await runWithWorker({ connection: dev }, async ({ atr, client }) => {
    // An older cycle, long closed, with personal data in every table.
    const older = await seedPersonalClosure(testPool(), { department, district: 'JPR', outcome: 'ESCALATED', rating: 'NOT_SATISFIED', escalated: true, smsFallback: true, grievanceId, cycle: 1 });
    // The live cycle: a real workflow that delivered its ATR and escalated a comment, open for late feedback.
    const closure = makeClosure({
      ...daytime,
      grievanceId,
      cycle: 2,
      department: { code: department, nameEn: 'Erasure Department' },
      district: { code: 'JPR', nameEn: 'Jaipur' },
      officer: { name: live.officer, designation: 'Executive Engineer' },
      citizen: { name: live.name, phone: live.phone, language: 'en' },
      subject: live.subject,
      actionTaken: live.actionTaken,
    });
    const { workflowId } = await atr.closeGrievance(closure);
    await waitForStage(atr, grievanceId, 'AWAITING_FEEDBACK');
    await atr.submitFeedback(grievanceId, { rating: 'NOT_SATISFIED', reason: 'NOT_RESOLVED', comment: live.comment, channel: 'portal' });
    await waitForStage(atr, grievanceId, 'LATE_FEEDBACK_OPEN');
    const values = [...Object.values(live), ...personalValuesOf([older])];
    expect(Object.keys(await findPersonalValues(testPool(), values)).sort()).toEqual([...values].sort());
    const report = async () => (await createReports(testPool()).closureCounts({})).filter((r) => r.department === department);
    const before = await report();

    const result = await runErase({ client, pool: testPool() }, grievanceId, 'ops:dpo');

    // The live cycle's escalation (its own workflow, still on the ladder) goes with it.
    const escalation = escalationWorkflowId(grievanceId, 2);
    expect(result).toMatchObject({ grievanceId, requestedBy: 'ops:dpo', found: true, workflowIds: [older.workflowId, workflowId, escalation].sort() });
    expect(result.temporal.terminated).toBe(2);
    expect(result.temporal.deletedExecutions).toBe(2);
    expect(result.temporal.pendingDeletion).toEqual([]);
    expect(result.database).toMatchObject({ closures: 2, documents: 2, feedback: 2, escalations: 2, links: 2, media: 1, intake: 2, webhookEvents: 1, inboundMessages: 1 });
    expect(result.database.outboundMessages).toBeGreaterThanOrEqual(4);
    await eventually(async () => (await client.workflow.getHandle(workflowId).describe().then(() => undefined, (err: unknown) => (err instanceof WorkflowNotFoundError ? true : undefined))));
    expect(await findPersonalValues(testPool(), values)).toEqual({});
    expect(await report()).toEqual(before);
    const { rows } = await testPool().query('SELECT DISTINCT erased_by FROM closures WHERE grievance_id = $1', [grievanceId]);
    expect(rows).toEqual([{ erased_by: 'erase:ops:dpo' }]);

    const out = capture();
    printErase(result, out);
    for (const v of values) expect(out.text()).not.toContain(v);
    expect(out.text()).toContain(`Erased the personal data of grievance ${grievanceId} (requested by ops:dpo)`);
    expect(out.text()).toMatch(/Temporal\s+workflow executions deleted \(histories\)\s+2/);

    // Asked again: found, nothing more to erase.
    const again = await runErase({ client, pool: testPool() }, grievanceId, 'ops:dpo');
    expect(again.found).toBe(true);
    expect(again.temporal).toEqual({ terminated: 0, deletedExecutions: 0, pendingDeletion: [] });
    expect(Object.values(again.database).every((n) => n === 0)).toBe(true);
  });
});

test('says clearly when nothing was found for the grievance', async () => {
  const grievanceId = uniqueGrievanceId('NONE');
  const result = await runErase({ client: dev.client, pool: testPool() }, grievanceId, 'ops:dpo');
  expect(result).toMatchObject({ found: false, workflowIds: [], temporal: { terminated: 0, deletedExecutions: 0, pendingDeletion: [] } });
  const out = capture();
  printErase(result, out);
  expect(out.text()).toBe(`Nothing found for grievance ${grievanceId}: no closure in PostgreSQL and no workflow in Temporal. Nothing was erased.\n`);
});

test('refuses an invalid grievance id, naming the option', async () => {
  expect(() => parseEraseGrievance('../etc; DROP')).toThrow(CliError);
  expect(() => parseEraseGrievance('../etc; DROP')).toThrow(/^--grievance "..\/etc; DROP": must be 1-64 letters, digits, - or _/);
  await expect(runErase({ client: dev.client, pool: testPool() }, 'a b', 'ops:dpo')).rejects.toThrow(/--grievance "a b"/);
});
