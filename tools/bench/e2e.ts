/**
 * `npm run bench:e2e`: N closures through the full stack — HTTP API, worker process, PostgreSQL, the
 * WhatsApp simulator, a citizen who answers "satisfied" as soon as the ATR arrives — measured to "ATR
 * accepted by WhatsApp" and to the outcome; then, on the same Temporal server, the engine floor (a workflow
 * of the same shape whose activities do nothing) for the ratio; the CPU each process spends per closure;
 * and the billable Temporal actions of a happy-path closure. Each side is warmed up first. JSON on the
 * last line. BENCH_E2E_CLOSURES (default 1000), BENCH_E2E_CONCURRENCY (default 32), BENCH_TEMPORAL_STORE.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createDataConverter } from '../../codec/data-converter';
import { parseCodecKeys } from '../../config/codec-keys';
import { ClosureSchema } from '../../contracts/closure';
import { SA, atrWorkflowId } from '../../contracts/workflow';
import { createReports } from '../../db/reports';
import { PROJECT_ROOT } from '../../lib/paths';
import { TEMPLATES } from '../../messaging/whatsapp/protocol';
import { createFloorActivities } from './floor-activities';
import { floorDeliveryStatus, floorFeedback, type floorWorkflow } from './floor-workflow';
import { cpuMsPer, cpuSnapshot, inParallel, machine, postClosure, quantile, round, sleep, startBenchStack, waitFor, type BenchStack } from './util';

const { EventType } = temporal.api.enums.v1;
const N = Number(process.env.BENCH_E2E_CLOSURES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_E2E_CONCURRENCY ?? 32);
/** Closures run before measuring: the worker bundles and warms up, HarfBuzz loads, the JIT settles. */
const WARM_UP = 30;
/** Happy-path histories whose actions are averaged (timers and coalesced statuses vary a little). */
const ACTION_SAMPLE = 50;

/**
 * Billable Temporal Cloud actions in a history (docs.temporal.io/cloud/actions): the start, each activity
 * scheduled, timer, signal, accepted update, marker, and search-attribute upsert except the SDK's own
 * `TemporalChangeVersion` upsert for patches, which is exempt.
 */
function actions(events: temporal.api.history.v1.IHistoryEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  const billable = ['WORKFLOW_EXECUTION_STARTED', 'ACTIVITY_TASK_SCHEDULED', 'TIMER_STARTED', 'WORKFLOW_EXECUTION_SIGNALED', 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED', 'MARKER_RECORDED'];
  for (const e of events) {
    const name = String(typeof e.eventType === 'number' ? EventType[e.eventType] : e.eventType).replace(/^EVENT_TYPE_/, '');
    const upserted = Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
    if (name === 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES' && upserted.every((k) => k === 'TemporalChangeVersion')) continue;
    if (billable.includes(name)) counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** Mean actions over histories, with the mean per event type. */
async function meanActions(client: Client, workflowIds: string[]): Promise<{ mean: number; min: number; max: number; breakdown: Record<string, number> }> {
  const all = await Promise.all(workflowIds.map(async (id) => actions((await client.workflow.getHandle(id).fetchHistory()).events ?? [])));
  const totals = all.map((c) => Object.values(c).reduce((a, b) => a + b, 0));
  const breakdown: Record<string, number> = {};
  for (const c of all) for (const [k, v] of Object.entries(c)) breakdown[k] = (breakdown[k] ?? 0) + v / all.length;
  for (const k of Object.keys(breakdown)) breakdown[k] = round(breakdown[k]!);
  return { mean: round(totals.reduce((a, b) => a + b, 0) / totals.length), min: Math.min(...totals), max: Math.max(...totals), breakdown };
}

/** One measured phase: throughput to send and to outcome, latencies, CPU per closure. */
interface Phase {
  perSecondToSend: number;
  perSecondToOutcome: number;
  send: number[];
  outcome: number[];
  cpu: Record<string, number>;
  ids: string[];
}

function summary(p: Phase) {
  return {
    closures_per_second_to_send: round(p.perSecondToSend),
    closures_per_second_to_outcome: round(p.perSecondToOutcome),
    send_latency_ms_p50: quantile(p.send, 0.5),
    send_latency_ms_p99: quantile(p.send, 0.99),
    outcome_latency_ms_p50: quantile(p.outcome, 0.5),
    outcome_latency_ms_p99: quantile(p.outcome, 0.99),
    cpu_ms_per_closure: p.cpu,
  };
}

/** Ours: closures posted to the API; each citizen taps "satisfied" as soon as the ATR reaches the simulator. */
async function runOurs(stack: BenchStack, tag: string, block: number, count: number): Promise<Phase> {
  const sim = stack.sim!;
  const base = ClosureSchema.parse(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples', 'closure-hi.json'), 'utf8')));
  // A block of numbers per phase: a number shared with an earlier phase would find that phase's ATR.
  const phone = (i: number) => `+9196${block}${String(i).padStart(7, '0')}`;
  const grievance = (i: number) => `B${tag}${i}`;
  const posted = new Map<number, number>();
  const accepted = new Map<number, number>();
  let botOn = true;
  const bot = (async () => {
    while (botOn) {
      for (const [i] of posted) {
        if (accepted.has(i)) continue;
        const atr = sim.state.messagesFor(phone(i)).find((m) => m.wamid && (m.request as { template?: { name: string } }).template?.name === TEMPLATES.atrDisposed.name);
        if (!atr) continue;
        accepted.set(i, Date.parse(atr.receivedAt));
        void fetch(`${stack.simUrl}/_sim/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: phone(i), type: 'button', contextWamid: atr.wamid, index: 0 }) });
      }
      await sleep(20);
    }
  })();
  const pids = { worker: stack.worker!.pid, api: stack.api.pid, temporal: stack.temporal.pid };
  const cpu0 = cpuSnapshot(pids);
  const t0 = Date.now();
  await inParallel(count, CONCURRENCY, async (i) => {
    posted.set(i, Date.now());
    await postClosure(stack.apiUrl, { ...base, grievanceId: grievance(i), citizen: { ...base.citizen, phone: phone(i) }, feedbackPolicy: { quietHours: null } });
  });
  await waitFor(() => accepted.size >= count, 'every ATR accepted by the simulator');
  const tSent = Math.max(...accepted.values());
  let outcomes: { completedAt: Date; grievanceId: string }[] = [];
  const reports = createReports(stack.db);
  await waitFor(async () => {
    outcomes = await reports.completedClosures('SATISFIED', `B${tag}`);
    return outcomes.length >= count;
  }, 'every closure at SATISFIED');
  const cpu1 = cpuSnapshot(pids);
  botOn = false;
  await bot;
  const tOutcome = Math.max(...outcomes.map((o) => o.completedAt.getTime()));
  return {
    perSecondToSend: count / ((tSent - t0) / 1000),
    perSecondToOutcome: count / ((tOutcome - t0) / 1000),
    send: [...accepted].map(([i, at]) => at - posted.get(i)!).sort((a, b) => a - b),
    outcome: outcomes.map((o) => o.completedAt.getTime() - posted.get(Number(o.grievanceId.slice(`B${tag}`.length)))!).sort((a, b) => a - b),
    cpu: cpuMsPer(cpu0, cpu1, count),
    ids: Array.from({ length: count }, (_, i) => atrWorkflowId(grievance(i), 1)),
  };
}

/** The floor: the same shape with no-op activities, started straight from a client, answered as ours are. */
async function runFloor(stack: BenchStack, client: Client, taskQueue: string, tag: string, count: number): Promise<Phase> {
  const started = new Map<string, number>();
  const sent = new Map<string, number>();
  const done = new Map<string, number>();
  const nativeConnection = await NativeConnection.connect({ address: stack.temporal.address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    dataConverter: client.options.dataConverter, // the same encryption cost as ours
    workflowsPath: require.resolve('./floor-workflow'),
    activities: createFloorActivities(
      (id) => {
        sent.set(id, Date.now());
        // As ours gets them: the relay's "delivered" and "read", then the citizen's tap.
        const handle = client.workflow.getHandle(id);
        void (async () => {
          await handle.signal(floorDeliveryStatus, { status: 'DELIVERED' });
          await handle.signal(floorDeliveryStatus, { status: 'READ' });
          await handle.signal(floorFeedback, { rating: 'SATISFIED' });
        })();
      },
      (id) => done.set(id, Date.now()),
    ),
  });
  const pids = { worker: stack.worker!.pid, api: stack.api.pid, temporal: stack.temporal.pid };
  const ids = Array.from({ length: count }, (_, i) => `floor-${tag}-${i}`);
  const phase = await worker.runUntil(async () => {
    const cpu0 = cpuSnapshot(pids);
    const t0 = Date.now();
    await inParallel(count, CONCURRENCY, async (i) => {
      started.set(ids[i]!, Date.now());
      await client.workflow.start<typeof floorWorkflow>('floorWorkflow', { workflowId: ids[i]!, taskQueue, args: [ids[i]!], typedSearchAttributes: [{ key: SA.grievanceId, value: ids[i]! }] });
    });
    await waitFor(() => done.size >= count, 'every floor workflow at its outcome');
    const cpu1 = cpuSnapshot(pids);
    return {
      perSecondToSend: count / ((Math.max(...sent.values()) - t0) / 1000),
      perSecondToOutcome: count / ((Math.max(...done.values()) - t0) / 1000),
      send: [...sent].map(([id, at]) => at - started.get(id)!).sort((a, b) => a - b),
      outcome: [...done].map(([id, at]) => at - started.get(id)!).sort((a, b) => a - b),
      cpu: cpuMsPer(cpu0, cpu1, count),
      ids,
    };
  });
  await nativeConnection.close();
  return phase;
}

async function main(): Promise<void> {
  // Quiet the SDK's own INFO lines (worker state changes) so the JSON stays the last line.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = await startBenchStack({ simulator: { pairRate: false, throughputPerSecond: Infinity, statusDelaysMs: { sent: 20, delivered: 50, read: 50 } } });
  const connection = await Connection.connect({ address: stack.temporal.address });
  try {
    const client = new Client({ connection, dataConverter: createDataConverter(parseCodecKeys(stack.env.PAYLOAD_CODEC_KEYS!)) });
    const run = Date.now().toString(36);
    await runOurs(stack, `${run}w`, 0, WARM_UP);
    const ours = await runOurs(stack, `${run}m`, 1, N);
    const floorQueue = `${stack.env.TEMPORAL_TASK_QUEUE}-floor`;
    await runFloor(stack, client, floorQueue, `${run}w`, WARM_UP);
    const floor = await runFloor(stack, client, floorQueue, `${run}m`, N);
    const ourActions = await meanActions(client, ours.ids.slice(0, ACTION_SAMPLE));
    const floorActions = await meanActions(client, floor.ids.slice(0, ACTION_SAMPLE));
    const ratio = ours.perSecondToSend / floor.perSecondToSend;
    console.log(
      JSON.stringify({
        benchmark: 'e2e',
        machine: machine(),
        temporal_store: stack.temporal.dbFile ? 'dev server, SQLite file' : 'dev server, in memory',
        closures: N,
        concurrency: CONCURRENCY,
        ...summary(ours),
        floor: summary(floor),
        ratio_to_floor: round(ratio),
        actions_per_closure_happy_path: ourActions.mean,
        actions_range: [ourActions.min, ourActions.max],
        actions_breakdown: ourActions.breakdown,
        floor_actions_per_closure: floorActions.mean,
        targets: { ratio_min: 0.8, actions_max: 12 },
        targets_met: { ratio: ratio >= 0.8, actions: ourActions.mean <= 12 },
      }),
    );
  } finally {
    await connection.close();
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
