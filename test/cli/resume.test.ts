/**
 * `resume` on the dev server: it arms the probe of every open breaker of its deployment, finds the blocked
 * closures through visibility (DeliveryBlocked set) or by grievance, and signals each of them.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { AtrClient } from '../../client';
import { buildResumeQuery, printResume, runResume } from '../../cli/resume';
import { ATR_WORKFLOW_TYPE, SA, initialSearchAttributes } from '../../contracts/workflow';
import { createChannelBreakerRepository } from '../../db/repositories/channel-breakers';
import { testPool } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { useDevServer } from '../helpers/temporal';
import { capture, eventually } from './support';

const dev = useDevServer();

/** A closure's workflow on a queue no worker polls, started with the search attributes a blocked (or running) closure has. */
async function closureWorkflow(taskQueue: string, blockedBy?: string): Promise<{ handle: WorkflowHandle; grievanceId: string }> {
  const closure = AtrClient.validateClosure(makeClosure({ department: { code: 'RSM', nameEn: 'Resume Test' } }));
  const handle = await dev.client.workflow.start(ATR_WORKFLOW_TYPE, {
    workflowId: `atr-${closure.grievanceId}-c1`,
    taskQueue,
    args: [closure],
    typedSearchAttributes: [...initialSearchAttributes(closure), ...(blockedBy ? [{ key: SA.deliveryBlocked, value: blockedBy }] : [])],
  });
  return { handle, grievanceId: closure.grievanceId };
}

async function resumeSignals(handle: WorkflowHandle): Promise<unknown[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'resumeDelivery');
}

describe('resume', () => {
  test('arms the open breakers to probe now and signals every blocked closure, not the others', async () => {
    const taskQueue = `resume-${randomUUID()}`;
    const breakers = createChannelBreakerRepository(testPool(), taskQueue);
    await breakers.open('whatsapp', 'whatsapp:190', 'Error validating access token', 30_000);
    const blocked = await Promise.all([closureWorkflow(taskQueue, 'whatsapp:190'), closureWorkflow(taskQueue, 'whatsapp:132015')]);
    const running = await closureWorkflow(taskQueue);
    // Visibility is eventually consistent: wait until the blocked ones can be found.
    const query = `${buildResumeQuery()} AND TaskQueue = "${taskQueue}"`;
    await eventually(async () => {
      let n = 0;
      for await (const _ of dev.client.workflow.list({ query })) n++;
      return n === 2 ? true : undefined;
    });

    const result = await runResume({ client: dev.client, pool: testPool(), taskQueue }, { requestedBy: 'ops:meena' });
    expect(result.breakers).toEqual([expect.objectContaining({ channel: 'whatsapp', code: 'whatsapp:190' })]);
    expect(Date.parse((await breakers.listOpen())[0]!.nextProbeAt)).toBeLessThanOrEqual(Date.now());
    const mine = result.resumed.filter((r) => blocked.some((b) => b.handle.workflowId === r.workflowId));
    expect(mine.map((r) => r.blockedBy).sort()).toEqual(['whatsapp:132015', 'whatsapp:190']);
    expect(result.resumed.map((r) => r.workflowId)).not.toContain(running.handle.workflowId);
    for (const b of blocked) expect(await resumeSignals(b.handle)).toHaveLength(1);
    expect(await resumeSignals(running.handle)).toHaveLength(0);

    const out = capture();
    printResume(result, out);
    expect(out.text()).toMatch(/^Channel whatsapp: breaker open since .+ IST on whatsapp:190 \(Error validating access token\); its next send probes now\.$/m);
    expect(out.text()).toMatch(new RegExp(`${blocked[0]!.handle.workflowId}\\s+${blocked[0]!.grievanceId}\\s+whatsapp:`));
    const json = capture();
    printResume(result, json, true);
    expect(JSON.parse(json.text())).toEqual(result);
    for (const w of [...blocked, running]) await w.handle.terminate('test finished');
  });

  test('resumes one grievance on request, and says when no breaker was open', async () => {
    const taskQueue = `resume-${randomUUID()}`;
    const one = await closureWorkflow(taskQueue);
    await eventually(async () => {
      for await (const _ of dev.client.workflow.list({ query: buildResumeQuery(one.grievanceId) })) return true;
      return undefined;
    });
    const result = await runResume({ client: dev.client, pool: testPool(), taskQueue }, { grievanceId: one.grievanceId, requestedBy: 'ops:meena' });
    expect(result).toMatchObject({ breakers: [], resumed: [{ workflowId: one.handle.workflowId, grievanceId: one.grievanceId, blockedBy: null }], ended: [] });
    expect(await resumeSignals(one.handle)).toHaveLength(1);
    const out = capture();
    printResume(result, out);
    expect(out.text()).toContain('No channel breaker was open.');
    expect(out.text()).toContain('Told 1 closure to try again now (requested by ops:meena)');
    await one.handle.terminate('test finished');
  });
});
