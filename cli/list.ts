/**
 * `sampark-atr list`: ATR workflows found through Temporal's visibility API by their search attributes.
 * Every option is checked against a closed set or a strict pattern before the query is built, so no
 * operator input can change the query's meaning; the rows hold codes and statuses only, no personal data.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { CODE_PATTERN } from '../contracts/closure';
import { ATR_WORKFLOW_TYPE, DELIVERY_STATUSES, OUTCOMES, SA, type DeliveryStatus, type Outcome } from '../contracts/workflow';
import { CliError, formatTable, istTime, writeJson, type Writer } from './output';

/** The outcome filter: a business outcome, or OPEN (still running, no outcome yet). */
export const LIST_OUTCOMES = [...OUTCOMES, 'OPEN'] as const;
/** An outcome filter value. */
export type ListOutcome = (typeof LIST_OUTCOMES)[number];

/** Department and district codes as the closure contract accepts them. */
/** The most rows one call prints; more is a job for the Web UI or `temporal workflow list`. */
export const MAX_LIMIT = 1000;

/** Validated filters. */
export interface ListOptions {
  department?: string;
  district?: string;
  outcome?: ListOutcome;
  deliveryStatus?: DeliveryStatus;
  limit: number;
}

/** The options as commander hands them over (strings, maybe absent). */
export interface RawListOptions {
  department?: string;
  district?: string;
  outcome?: string;
  deliveryStatus?: string;
  limit?: string;
}

/** One workflow, as its search attributes describe it. */
export interface ListedWorkflow {
  workflowId: string;
  grievanceId: string | null;
  cycle: number | null;
  department: string | null;
  district: string | null;
  deliveryStatus: string | null;
  feedback: string | null;
  /** The business outcome; OPEN while running without one; otherwise how the execution ended (e.g. TERMINATED). */
  outcome: string;
  escalationLevel: number | null;
  execution: string;
  startedAt: string;
  closedAt: string | null;
}

/** Checks every option; CliError names the first bad one and what it accepts. */
export function parseListOptions(raw: RawListOptions): ListOptions {
  const code = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!CODE_PATTERN.test(v)) throw new CliError(`--${name} ${JSON.stringify(v)} is not a code: use 1-32 letters, digits, - or _`);
    return v;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], v: string | undefined): T | undefined => {
    if (v === undefined) return undefined;
    const upper = v.trim().toUpperCase();
    if (!(allowed as readonly string[]).includes(upper)) throw new CliError(`--${name} ${JSON.stringify(v)} is not one of ${allowed.join(', ')}`);
    return upper as T;
  };
  const limit = raw.limit === undefined ? 50 : /^\d{1,7}$/.test(raw.limit.trim()) ? Number(raw.limit.trim()) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) throw new CliError(`--limit ${JSON.stringify(raw.limit)} must be a whole number from 1 to ${MAX_LIMIT}`);
  const department = code('department', raw.department);
  const district = code('district', raw.district);
  const outcome = oneOf<ListOutcome>('outcome', LIST_OUTCOMES, raw.outcome);
  const deliveryStatus = oneOf<DeliveryStatus>('delivery-status', DELIVERY_STATUSES, raw.deliveryStatus);
  return {
    limit,
    ...(department ? { department } : {}),
    ...(district ? { district } : {}),
    ...(outcome ? { outcome } : {}),
    ...(deliveryStatus ? { deliveryStatus } : {}),
  };
}

/**
 * The visibility query for validated options. Values are quoted here only because parseListOptions
 * restricted them to letters, digits, - and _ (or a closed list): none can close the literal.
 */
export function buildListQuery(opts: Omit<ListOptions, 'limit'>): string {
  const clauses = [`WorkflowType = "${ATR_WORKFLOW_TYPE}"`];
  if (opts.department) clauses.push(`${SA.departmentCode.name} = "${opts.department}"`);
  if (opts.district) clauses.push(`${SA.districtCode.name} = "${opts.district}"`);
  if (opts.deliveryStatus) clauses.push(`${SA.deliveryStatus.name} = "${opts.deliveryStatus}"`);
  if (opts.outcome === 'OPEN') clauses.push(`ExecutionStatus = "Running"`, `${SA.outcome.name} IS NULL`);
  else if (opts.outcome) clauses.push(`${SA.outcome.name} = "${opts.outcome satisfies Outcome}"`);
  return clauses.join(' AND ');
}

/** Lists up to `limit` workflows matching the filters, newest first as the server orders them. */
export async function runList(deps: { client: Client }, opts: ListOptions): Promise<ListedWorkflow[]> {
  const found: ListedWorkflow[] = [];
  const query = buildListQuery(opts);
  for await (const wf of deps.client.workflow.list({ query, pageSize: Math.min(opts.limit, 100) })) {
    found.push(describe(wf));
    if (found.length >= opts.limit) break;
  }
  return found;
}

function describe(wf: WorkflowExecutionInfo): ListedWorkflow {
  const sa = wf.typedSearchAttributes;
  const execution = wf.status.name;
  const cycle = sa.get(SA.cycle);
  const level = sa.get(SA.escalationLevel);
  return {
    workflowId: wf.workflowId,
    grievanceId: sa.get(SA.grievanceId) ?? null,
    cycle: cycle === undefined ? null : Number(cycle),
    department: sa.get(SA.departmentCode) ?? null,
    district: sa.get(SA.districtCode) ?? null,
    deliveryStatus: sa.get(SA.deliveryStatus) ?? null,
    feedback: sa.get(SA.feedbackOutcome) ?? null,
    outcome: sa.get(SA.outcome) ?? (execution === 'RUNNING' ? 'OPEN' : execution),
    escalationLevel: level === undefined ? null : Number(level),
    execution,
    startedAt: wf.startTime.toISOString(),
    closedAt: wf.closeTime?.toISOString() ?? null,
  };
}

/** Prints the workflows as a table, or as JSON. */
export function printList(rows: ListedWorkflow[], out: Writer, json = false): void {
  if (json) return writeJson(out, rows);
  if (!rows.length) {
    out.write('No ATR workflows match.\n');
    return;
  }
  const columns = [
    { header: 'WORKFLOW ID' },
    { header: 'GRIEVANCE' },
    { header: 'CYCLE', align: 'right' as const },
    { header: 'DEPT' },
    { header: 'DISTRICT' },
    { header: 'DELIVERY' },
    { header: 'FEEDBACK' },
    { header: 'OUTCOME' },
    { header: 'STARTED' },
  ];
  const dash = (v: string | number | null) => (v === null ? '-' : String(v));
  out.write(
    formatTable(
      columns,
      rows.map((r) => [r.workflowId, dash(r.grievanceId), dash(r.cycle), dash(r.department), dash(r.district), dash(r.deliveryStatus), dash(r.feedback), r.outcome, istTime(r.startedAt)]),
    ),
  );
}
