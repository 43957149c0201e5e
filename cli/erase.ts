/**
 * `sampark-atr erase --grievance ID [--by NAME]`: erases one citizen's personal data on request (DPDP Act 2023),
 * everywhere we hold it. In Temporal, every execution of the grievance's workflows is terminated if running and
 * deleted (their histories hold the closure, encrypted). In PostgreSQL, every closure of the grievance is erased
 * in place, as the daily purge does after retention: the anonymous facts stay, so reports count the same.
 * Prints counts per place, never a personal value.
 */
import { WorkflowNotFoundError, isGrpcServiceError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { eraseWorkflows } from '../activities/purge';
import { GrievanceIdSchema } from '../contracts/closure';
import { noErasures, type ErasureCounts } from '../contracts/purge';
import { SA } from '../contracts/workflow';
import { createClosureIntakeRepository } from '../db/repositories/closure-intake';
import { createClosureRepository } from '../db/repositories/closures';
import { createErasureStores } from '../worker/purge';
import { CliError, formatTable, writeJson, type Writer } from './output';

/** What `erase` did. */
export interface EraseResult {
  grievanceId: string;
  requestedBy: string;
  /** Whether anything of the grievance was found, in Temporal or PostgreSQL. */
  found: boolean;
  /** The grievance's workflow ids (they name a grievance and a cycle, never a person). */
  workflowIds: string[];
  temporal: {
    /** Executions that were running; the server terminated them as it deleted them. */
    terminated: number;
    /** Executions confirmed gone, histories and all. */
    deletedExecutions: number;
    /** Deletion requested and accepted, not yet done when the command stopped waiting; Temporal finishes it. */
    pendingDeletion: string[];
  };
  database: ErasureCounts;
}

/** What `erase` needs. */
export interface EraseDeps {
  client: Client;
  pool: Pool;
  /** How long to wait for Temporal to confirm the deletions (default 2 minutes). */
  confirmMs?: number;
}

/** Temporal deletes a closed execution in the background, within about a minute. */
const DEFAULT_CONFIRM_MS = 120_000;

/** Checks --grievance, naming the option in the error. */
export function parseEraseGrievance(raw: string): string {
  const parsed = GrievanceIdSchema.safeParse(raw);
  if (!parsed.success) throw new CliError(`--grievance ${JSON.stringify(raw)}: ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
  return parsed.data;
}

/** gRPC's NOT_FOUND: the workflow service answers a raw gRPC error, not the client's typed one. */
const GRPC_NOT_FOUND = 5;
const notFound = (err: unknown) => err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deletes every execution of the grievance's workflows. A running one is terminated and deleted at once by the
 * server; a closed one is deleted asynchronously (the dev server takes up to a minute), so each is described
 * until it is gone or `confirmMs` runs out, and what is still going is reported as pending, never as done.
 */
async function eraseFromTemporal(client: Client, grievanceId: string, knownIds: readonly string[], confirmMs: number) {
  const runs = new Map<string, { workflowId: string; runId: string }>();
  // The query is safe to build: the id passed GrievanceIdSchema (letters, digits, - and _).
  for await (const wf of client.workflow.list({ query: `${SA.grievanceId.name} = "${grievanceId}"`, pageSize: 100 })) {
    runs.set(`${wf.workflowId}/${wf.runId}`, { workflowId: wf.workflowId, runId: wf.runId });
  }
  // Visibility lags a start by a moment: the workflows PostgreSQL knows are asked for by id too.
  for (const workflowId of knownIds) {
    try {
      const { runId } = await client.workflow.getHandle(workflowId).describe();
      runs.set(`${workflowId}/${runId}`, { workflowId, runId });
    } catch (err) {
      if (!notFound(err)) throw err;
    }
  }
  let terminated = 0;
  const requested: { workflowId: string; runId: string }[] = [];
  for (const run of runs.values()) {
    try {
      if ((await client.workflow.getHandle(run.workflowId, run.runId).describe()).status.name === 'RUNNING') terminated++;
      // The server terminates a running execution before deleting it: no activity of it runs after this.
      await client.workflowService.deleteWorkflowExecution({ namespace: client.options.namespace, workflowExecution: run });
      requested.push(run);
    } catch (err) {
      if (!notFound(err)) throw err;
    }
  }
  const deadline = Date.now() + confirmMs;
  let pending = requested;
  for (;;) {
    const still = await Promise.all(
      pending.map((run) => client.workflow.getHandle(run.workflowId, run.runId).describe().then(() => true, (err: unknown) => (notFound(err) ? false : Promise.reject(err)))),
    );
    pending = pending.filter((_, i) => still[i]);
    if (!pending.length || Date.now() >= deadline) break;
    await sleep(1_000);
  }
  return {
    terminated,
    deletedExecutions: requested.length - pending.length,
    pendingDeletion: pending.map((r) => r.workflowId),
    workflowIds: [...new Set([...runs.values()].map((r) => r.workflowId))],
  };
}

/** Erases the grievance in Temporal (first, so no running workflow writes again), then in PostgreSQL. */
export async function runErase(deps: EraseDeps, grievanceInput: string, requestedBy: string): Promise<EraseResult> {
  const grievanceId = parseEraseGrievance(grievanceInput);
  const known = [
    ...new Set([...(await createClosureRepository(deps.pool).closuresOfGrievance(grievanceId)), ...(await createClosureIntakeRepository(deps.pool).postedClosuresOf(grievanceId))]),
  ];
  const temporal = await eraseFromTemporal(deps.client, grievanceId, known, deps.confirmMs ?? DEFAULT_CONFIRM_MS);
  const workflowIds = [...new Set([...known, ...temporal.workflowIds])].sort();
  const database = workflowIds.length ? await eraseWorkflows(createErasureStores(deps.pool), workflowIds, `erase:${requestedBy}`) : noErasures();
  return {
    grievanceId,
    requestedBy,
    found: workflowIds.length > 0,
    workflowIds,
    temporal: { terminated: temporal.terminated, deletedExecutions: temporal.deletedExecutions, pendingDeletion: temporal.pendingDeletion },
    database,
  };
}

/** What each count means, in the order printed. */
const PLACES: [keyof ErasureCounts, string][] = [
  ['closures', 'closure records (name, phone, subject, action taken, officer name)'],
  ['documents', 'ATR PDFs deleted'],
  ['links', 'SMS links expired'],
  ['feedback', 'feedback (comments, voice notes)'],
  ['feedbackDetails', 'later feedback details'],
  ['escalations', 'escalations (comments, voice notes)'],
  ['outboundMessages', 'messages sent (recipient, text)'],
  ['inboundMessages', "citizen's messages (number, text)"],
  ['webhookEvents', 'raw webhook bodies deleted'],
  ['awaitedReplies', 'awaited replies'],
  ['pacingSlots', 'pacing slots of the number'],
  ['media', 'WhatsApp media ids'],
  ['intake', 'closure intake fingerprints'],
  ['voiceNotes', 'voice notes deleted (audio)'],
  ['citizenReplies', 'answers to the citizen recorded for ops'],
];

/** Prints what was erased, or JSON. */
export function printErase(result: EraseResult, out: Writer, json = false): void {
  if (json) return writeJson(out, result);
  if (!result.found) {
    out.write(`Nothing found for grievance ${result.grievanceId}: no closure in PostgreSQL and no workflow in Temporal. Nothing was erased.\n`);
    return;
  }
  out.write(`Erased the personal data of grievance ${result.grievanceId} (requested by ${result.requestedBy}); workflows ${result.workflowIds.join(', ')}.\n`);
  const rows = [
    ['Temporal', 'running workflows terminated', String(result.temporal.terminated)],
    ['Temporal', 'workflow executions being deleted', String(result.temporal.pendingDeletion.length)],
    ['Temporal', 'workflow executions deleted (histories)', String(result.temporal.deletedExecutions)],
    ...PLACES.map(([key, what]) => ['PostgreSQL', what, String(result.database[key])]),
  ];
  out.write(formatTable([{ header: 'WHERE' }, { header: 'WHAT' }, { header: 'ERASED', align: 'right' }], rows));
  if (result.temporal.pendingDeletion.length) {
    out.write(`Temporal accepted the deletion of ${result.temporal.pendingDeletion.join(', ')} and finishes it in the background; run erase again to confirm.\n`);
  }
  out.write('Counts are of rows that still held personal data; a repeat erases nothing more and prints zeros. Aggregate counts (reports) are unchanged.\n');
}
