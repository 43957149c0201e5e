/**
 * `list` through the dev server's visibility API (eventually consistent, so every check polls), each test
 * in its own department code. Option checks run before any query is built.
 */
import { buildListQuery, parseListOptions, printList, runList, type ListedWorkflow } from '../../cli/list';
import { CliError } from '../../cli/output';
import { makeClosure } from '../helpers/fixtures';
import { runWithWorker, useDevServer } from '../helpers/temporal';
import { capture, daytime, eventually, uniqueCode, waitForStage } from './support';

const dev = useDevServer();

/** Lists until the answer has `count` rows (visibility lags behind the workflows). */
async function listUntil(raw: Parameters<typeof parseListOptions>[0], count: number, settled: (rows: ListedWorkflow[]) => boolean = () => true) {
  return eventually(async () => {
    const rows = await runList({ client: dev.client }, parseListOptions(raw));
    return rows.length === count && settled(rows) ? rows : undefined;
  });
}

describe('list', () => {
  test('finds workflows by department, district, outcome (OPEN included) and delivery status', async () => {
    const dept = uniqueCode('L');
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      const jaipur = makeClosure({ ...daytime, department: { code: dept, nameEn: 'List Department' } });
      const udaipur = makeClosure({ ...daytime, department: { code: dept, nameEn: 'List Department' }, district: { code: 'UDR', nameEn: 'Udaipur' } });
      const a = await atr.closeGrievance(jaipur);
      const b = await atr.closeGrievance(udaipur);
      await waitForStage(atr, jaipur.grievanceId, 'AWAITING_FEEDBACK');
      await waitForStage(atr, udaipur.grievanceId, 'AWAITING_FEEDBACK');
      await atr.submitFeedback(jaipur.grievanceId, { rating: 'SATISFIED', messageId: 'helpline-list-1' });

      const satisfied = await listUntil({ department: dept, outcome: 'SATISFIED' }, 1);
      expect(satisfied).toEqual([
        expect.objectContaining({
          workflowId: a.workflowId,
          grievanceId: jaipur.grievanceId,
          cycle: 1,
          department: dept,
          district: 'JPR',
          deliveryStatus: 'SENT',
          feedback: 'SATISFIED',
          outcome: 'SATISFIED',
          execution: 'RUNNING',
        }),
      ]);
      expect(await listUntil({ department: dept, outcome: 'open' }, 1)).toEqual([
        expect.objectContaining({ workflowId: b.workflowId, district: 'UDR', feedback: 'AWAITING', outcome: 'OPEN' }),
      ]);
      const both = await listUntil({ department: dept }, 2);
      expect(both.map((r) => r.workflowId).sort()).toEqual([a.workflowId, b.workflowId].sort());
      expect((await listUntil({ department: dept, district: 'UDR' }, 1))[0]!.workflowId).toBe(b.workflowId);
      expect(await listUntil({ department: dept, deliveryStatus: 'sent' }, 2)).toHaveLength(2);
      expect(await runList({ client: dev.client }, parseListOptions({ department: dept, deliveryStatus: 'READ' }))).toEqual([]);
      expect(await runList({ client: dev.client }, parseListOptions({ department: dept, limit: '1' }))).toHaveLength(1);

      for (const id of [a.workflowId, b.workflowId]) await client.workflow.getHandle(id).terminate('test finished');
      // A terminated workflow has no outcome and is no longer open: the table says how it ended.
      const ended = await listUntil({ department: dept, district: 'UDR' }, 1, (rows) => rows[0]!.execution === 'TERMINATED');
      expect(ended[0]).toMatchObject({ outcome: 'TERMINATED', closedAt: expect.any(String) });
    });
  });

  test('prints a table of workflow, grievance, cycle, department, district, delivery, feedback, outcome and start time', async () => {
    const rows: ListedWorkflow[] = [
      {
        workflowId: 'atr-2026112800042-c1',
        grievanceId: '2026112800042',
        cycle: 1,
        department: 'LSG',
        district: 'JPR',
        deliveryStatus: 'READ',
        feedback: 'NOT_SATISFIED',
        outcome: 'ESCALATED',
        escalationLevel: 1,
        execution: 'RUNNING',
        startedAt: '2026-11-28T08:35:33.000Z',
        closedAt: null,
      },
    ];
    const out = capture();
    printList(rows, out);
    const [header, rule, line] = out.text().trimEnd().split('\n');
    expect(header).toMatch(/^WORKFLOW ID\s+GRIEVANCE\s+CYCLE\s+DEPT\s+DISTRICT\s+DELIVERY\s+FEEDBACK\s+OUTCOME\s+STARTED$/);
    expect(rule).toMatch(/^[- ]+$/);
    expect(line).toMatch(/^atr-2026112800042-c1\s+2026112800042\s+1\s+LSG\s+JPR\s+READ\s+NOT_SATISFIED\s+ESCALATED\s+2026-11-28 14:05:33 IST$/);

    const json = capture();
    printList(rows, json, true);
    expect(JSON.parse(json.text())).toEqual(rows);

    const none = capture();
    printList([], none);
    expect(none.text()).toBe('No ATR workflows match.\n');
  });

  test('refuses an outcome it does not know', () => {
    expect(() => parseListOptions({ outcome: 'RESOLVED' })).toThrow(
      new CliError('--outcome "RESOLVED" is not one of SATISFIED, ESCALATED, NO_RESPONSE, UNDELIVERABLE, SUPERSEDED, OPEN'),
    );
    expect(() => parseListOptions({ deliveryStatus: 'BOUNCED' })).toThrow(/--delivery-status "BOUNCED" is not one of PENDING, SENT/);
  });

  test('refuses a code that would change the query instead of filtering it', () => {
    expect(() => parseListOptions({ department: 'LSG" OR WorkflowType != "x' })).toThrow(/--department .* is not a code/);
    expect(() => parseListOptions({ district: "JPR' OR 1=1" })).toThrow(/--district .* is not a code/);
    expect(() => parseListOptions({ outcome: 'SATISFIED" OR "1"="1' })).toThrow(CliError);
  });

  test('refuses a limit that is not a whole number from 1 to 1000', () => {
    for (const limit of ['0', '1001', '2.5', '-3', 'ten', '']) expect(() => parseListOptions({ limit })).toThrow(/--limit .* must be a whole number from 1 to 1000/);
    expect(parseListOptions({ limit: '1000' }).limit).toBe(1000);
    expect(parseListOptions({}).limit).toBe(50);
  });

  test('builds one query from the checked filters: ATR workflows only, OPEN as running without an outcome', () => {
    expect(buildListQuery(parseListOptions({ department: 'LSG', district: 'JPR', outcome: 'open', deliveryStatus: 'read' }))).toBe(
      'WorkflowType = "atrWorkflow" AND DepartmentCode = "LSG" AND DistrictCode = "JPR" AND DeliveryStatus = "READ" AND ExecutionStatus = "Running" AND AtrOutcome IS NULL',
    );
    expect(buildListQuery(parseListOptions({ outcome: 'ESCALATED' }))).toBe('WorkflowType = "atrWorkflow" AND AtrOutcome = "ESCALATED"');
  });
});
