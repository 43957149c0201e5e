/** What the backfill tests share: fast settings, the example file, and cleaning up the workflows a test started. */
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { atrWorkflowId } from '../../contracts/workflow';
import { PROJECT_ROOT } from '../../lib/paths';
import { eventually } from './support';

export const EXAMPLE = path.join(PROJECT_ROOT, 'examples', 'closures.csv');
export const fast = { ratePerSecond: 1000, dryRun: false };

/** Ends the workflows a test started (they would otherwise wait for feedback for a week). */
export async function terminate(client: Client, rows: Record<string, string>[]): Promise<void> {
  for (const r of rows) {
    await client.workflow
      .getHandle(atrWorkflowId(r.grievanceId!, Number(r.cycle || 1)))
      .terminate('test finished')
      .catch(() => undefined);
  }
}

/** The executions visibility knows for a grievance (polled until at least one shows). */
export async function executionsOf(client: Client, grievanceId: string): Promise<string[]> {
  return eventually(async () => {
    const ids: string[] = [];
    for await (const wf of client.workflow.list({ query: `GrievanceId = "${grievanceId}"` })) ids.push(wf.workflowId);
    return ids.length ? ids : undefined;
  });
}
