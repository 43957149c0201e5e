/**
 * `npm run bench:e2e`: N closures through the full stack — HTTP API, worker process, PostgreSQL, the
 * WhatsApp simulator, a citizen who answers "satisfied" as soon as the ATR arrives — measured to "ATR
 * accepted by WhatsApp" and to the outcome; then the engine floor (a no-op workflow of the same shape on
 * the same Temporal server and worker settings) for the ratio; and the Temporal actions one happy-path
 * closure costs. JSON on the last line. BENCH_E2E_CLOSURES (default 1000), BENCH_E2E_CONCURRENCY (32).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createDataConverter } from '../codec/data-converter';
import { parseCodecKeys } from '../codec/aes-gcm';
import { ClosureSchema } from '../contracts/closure';
import { SA, atrWorkflowId } from '../contracts/workflow';
import { PROJECT_ROOT } from '../lib/paths';
import { TEMPLATES } from '../whatsapp/protocol';
import { createFloorActivities } from './floor-activities';
import { floorDeliveryStatus, floorFeedback, type floorWorkflow } from './floor-workflow';
import { cpuMsPer, cpuSnapshot, inParallel, machine, postClosure, quantile, round, sleep, startBenchStack, waitFor } from './util';

const { EventType } = temporal.api.enums.v1;
const N = Number(process.env.BENCH_E2E_CLOSURES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_E2E_CONCURRENCY ?? 32);

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

async function main(): Promise<void> {
  const stack = await startBenchStack({ simulator: { pairRate: false, throughputPerSecond: Infinity, statusDelaysMs: { sent: 20, delivered: 50, read: 50 } } });
  const { db, apiUrl } = stack;
  const devServer = stack.temporal;
  const sim = stack.sim!;
  const simUrl = stack.simUrl!;
  const taskQueue = stack.env.TEMPORAL_TASK_QUEUE!;
  try {
    // ---- ours: closures through the API; each citizen taps "satisfied" as soon as the ATR is there.
    const base = ClosureSchema.parse(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples', 'closure-hi.json'), 'utf8')));
    const phone = (i: number) => `+9196${String(i).padStart(8, '0')}`;
    const posted = new Map<number, number>();
    const accepted = new Map<number, number>();
    const tapped = new Set<number>();
    let botOn = true;
    const bot = (async () => {
      while (botOn) {
        for (const [i] of posted) {
          if (tapped.has(i)) continue;
          const atr = sim.state.messagesFor(phone(i)).find((m) => m.wamid && (m.request as { template?: { name: string } }).template?.name === TEMPLATES.atrDisposed.name);
          if (!atr) continue;
          accepted.set(i, Date.parse(atr.receivedAt));
          tapped.add(i);
          void fetch(`${simUrl}/_sim/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: phone(i), type: 'button', contextWamid: atr.wamid, index: 0 }) });
        }
        await sleep(20);
      }
    })();
    const pids = { worker: stack.worker!.pid, api: stack.api.pid, temporal: devServer.pid };
    const cpu0 = cpuSnapshot(pids);
    const t0 = Date.now();
    await inParallel(N, CONCURRENCY, async (i) => {
      posted.set(i, Date.now());
      await postClosure(apiUrl, { ...base, grievanceId: `B${t0.toString(36)}${i}`, citizen: { ...base.citizen, phone: phone(i) }, feedbackPolicy: { quietHours: null } });
    });
    await waitFor(() => accepted.size >= N, 'every ATR accepted by the simulator');
    const tSent = Date.now();
    let outcomes: { completed_at: Date; grievance_id: string }[] = [];
    await waitFor(async () => {
      outcomes = (await db.query("SELECT grievance_id, completed_at FROM closures WHERE outcome = 'SATISFIED'")).rows;
      return outcomes.length >= N;
    }, 'every closure at SATISFIED');
    const cpu1 = cpuSnapshot(pids);
    botOn = false;
    await bot;
    const tOutcome = Math.max(...outcomes.map((o) => o.completed_at.getTime()));
    const sendLatency = [...accepted].map(([i, at]) => at - posted.get(i)!).sort((a, b) => a - b);
    const outcomeLatency = outcomes.map((o) => o.completed_at.getTime() - posted.get(Number(o.grievance_id.slice(`B${t0.toString(36)}`.length)))!).sort((a, b) => a - b);

    // Actions of one happy-path closure, from its history.
    const connection = await Connection.connect({ address: devServer.address });
    const dataConverter = createDataConverter(parseCodecKeys(stack.env.PAYLOAD_CODEC_KEYS!));
    const client = new Client({ connection, dataConverter });
    const history = await client.workflow.getHandle(atrWorkflowId(`B${t0.toString(36)}0`, 1)).fetchHistory();
    const ourActions = actions(history.events ?? []);

    // ---- the floor: same shape, no-op activities, same server; started directly, "feedback" right after "deliver".
    const floorQueue = `${taskQueue}-floor`;
    const fStart = new Map<string, number>();
    const fSent = new Map<string, number>();
    const fDone = new Map<string, number>();
    const nativeConnection = await NativeConnection.connect({ address: devServer.address });
    const floorWorker = await Worker.create({
      dataConverter, // the same encryption cost as ours
      connection: nativeConnection,
      taskQueue: floorQueue,
      workflowsPath: require.resolve('./floor-workflow'),
      activities: createFloorActivities(
        (id) => {
          fSent.set(id, Date.now());
          // As ours gets them: the relay's "delivered" and "read", then the citizen's tap.
          const handle = client.workflow.getHandle(id);
          void (async () => {
            await handle.signal(floorDeliveryStatus, { status: 'DELIVERED' });
            await handle.signal(floorDeliveryStatus, { status: 'READ' });
            await handle.signal(floorFeedback, { rating: 'SATISFIED' });
          })();
        },
        (id) => fDone.set(id, Date.now()),
      ),
    });
    const floorRun = floorWorker.run();
    const fCpu0 = cpuSnapshot(pids);
    const f0 = Date.now();
    await inParallel(N, CONCURRENCY, async (i) => {
      const id = `floor-${f0.toString(36)}-${i}`;
      fStart.set(id, Date.now());
      await client.workflow.start<typeof floorWorkflow>('floorWorkflow', { workflowId: id, taskQueue: floorQueue, args: [id], typedSearchAttributes: [{ key: SA.grievanceId, value: id }] });
    });
    await waitFor(() => fDone.size >= N, 'every floor workflow at its outcome');
    const fCpu1 = cpuSnapshot(pids);
    const fSentAt = Math.max(...fSent.values());
    const fDoneAt = Math.max(...fDone.values());
    const floorHistory = await client.workflow.getHandle(`floor-${f0.toString(36)}-0`).fetchHistory();
    floorWorker.shutdown();
    await floorRun;
    await nativeConnection.close();

    const fSendLatency = [...fSent].map(([id, at]) => at - fStart.get(id)!).sort((a, b) => a - b);
    const fOutcomeLatency = [...fDone].map(([id, at]) => at - fStart.get(id)!).sort((a, b) => a - b);
    const oursPerSecond = N / ((tSent - t0) / 1000);
    const floorPerSecond = N / ((fSentAt - f0) / 1000);
    const actionTotal = Object.values(ourActions).reduce((a, b) => a + b, 0);
    await connection.close();
    console.log(
      JSON.stringify({
        benchmark: 'e2e',
        machine: machine(),
        closures: N,
        concurrency: CONCURRENCY,
        closures_per_second_to_send: round(oursPerSecond),
        closures_per_second_to_outcome: round(N / ((tOutcome - t0) / 1000)),
        send_latency_ms_p50: quantile(sendLatency, 0.5),
        send_latency_ms_p99: quantile(sendLatency, 0.99),
        outcome_latency_ms_p50: quantile(outcomeLatency, 0.5),
        outcome_latency_ms_p99: quantile(outcomeLatency, 0.99),
        floor_closures_per_second_to_send: round(floorPerSecond),
        floor_closures_per_second_to_outcome: round(N / ((fDoneAt - f0) / 1000)),
        floor_send_latency_ms_p50: quantile(fSendLatency, 0.5),
        floor_send_latency_ms_p99: quantile(fSendLatency, 0.99),
        floor_outcome_latency_ms_p50: quantile(fOutcomeLatency, 0.5),
        floor_outcome_latency_ms_p99: quantile(fOutcomeLatency, 0.99),
        ratio_to_floor: round(oursPerSecond / floorPerSecond),
        cpu_ms_per_closure: cpuMsPer(cpu0, cpu1, N),
        floor_cpu_ms_per_closure: cpuMsPer(fCpu0, fCpu1, N), // the floor's worker runs in the bench process
        temporal_store: devServer.dbFile ? 'sqlite file' : 'memory',
        actions_per_closure_happy_path: actionTotal,
        actions_breakdown: ourActions,
        floor_actions_per_closure: Object.values(actions(floorHistory.events ?? [])).reduce((a, b) => a + b, 0),
        targets: { ratio_min: 0.8, actions_max: 12 },
        targets_met: { ratio: oursPerSecond / floorPerSecond >= 0.8, actions: actionTotal <= 12 },
      }),
    );
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
