/**
 * `npm run bench:e2e`: N closures through the full stack — HTTP API, worker process, PostgreSQL, the
 * WhatsApp simulator, a citizen who answers "satisfied" as soon as the ATR arrives — measured to "ATR
 * accepted by WhatsApp" and to the outcome; then the engine floor (a no-op workflow of the same shape on
 * the same Temporal server and worker settings) for the ratio; and the Temporal actions one happy-path
 * closure costs. JSON on the last line. BENCH_E2E_CLOSURES (default 1000), BENCH_E2E_CONCURRENCY (32).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Client as PgClient, Pool } from 'pg';
import { createDataConverter } from '../codec/data-converter';
import { parseCodecKeys } from '../codec/aes-gcm';
import { ClosureSchema } from '../contracts/closure';
import { SA, atrWorkflowId } from '../contracts/workflow';
import { ensureDatabase } from '../db/migrate';
import { DEFAULT_DATABASE_URL } from '../db/pool';
import { PROJECT_ROOT } from '../lib/paths';
import { AppProcess, ChaosTemporal } from '../scripts/local-stack';
import { buildSimulator } from '../simulator/server';
import { TEMPLATES } from '../whatsapp/protocol';
import { createFloorActivities } from './floor-activities';
import { floorFeedback, type floorWorkflow } from './floor-workflow';
import { freePort, quantile, round } from './util';

const N = Number(process.env.BENCH_E2E_CLOSURES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_E2E_CONCURRENCY ?? 32);
const KEYS = `bench:${Buffer.alloc(32, 11).toString('base64')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `task` for 0..n-1 with at most `limit` in flight. */
async function pool<T>(n: number, limit: number, task: (i: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < n) await task(next++);
  }));
}

/** Billable Temporal actions in a history: start, activities, timers, signals, updates, search-attribute upserts. */
function actions(events: { eventType?: unknown }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  const billable = ['WORKFLOW_EXECUTION_STARTED', 'ACTIVITY_TASK_SCHEDULED', 'TIMER_STARTED', 'WORKFLOW_EXECUTION_SIGNALED', 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED'];
  for (const e of events) {
    const type = String(e.eventType).replace(/^EVENT_TYPE_/, '');
    const name = typeof e.eventType === 'number' ? undefined : type;
    if (name && billable.includes(name)) counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

async function main(): Promise<void> {
  const ports = { temporal: await freePort(), api: await freePort() };
  const temporal = new ChaosTemporal(ports.temporal, path.join(mkdtempSync(path.join(os.tmpdir(), 'sampark-bench-')), 'temporal.sqlite'));
  const dbUrl = new URL(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  dbUrl.pathname = `/sampark_atr_bench_${Date.now().toString(36)}`;
  await ensureDatabase(dbUrl.toString());
  await temporal.start();
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  const sim = await buildSimulator({ appSecret: 'bench-secret', accessToken: 'bench-token', phoneNumberId: '100000000000001', webhookUrl: `${apiUrl}/webhooks/whatsapp`, pairRate: false, throughputPerSecond: Infinity, statusDelaysMs: { sent: 20, delivered: 50, read: 50 } });
  const simUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
  const taskQueue = `bench-${Date.now().toString(36)}`;
  const env = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: dbUrl.toString(),
    PORTAL_API_KEY: 'bench-portal-key-0123456789',
    ATR_SIGNING_KEYS: `b1:${'s'.repeat(40)}`,
    PAYLOAD_CODEC_KEYS: KEYS,
    WHATSAPP_MODE: 'simulator',
    WHATSAPP_API_URL: simUrl,
    WHATSAPP_ACCESS_TOKEN: 'bench-token',
    WHATSAPP_APP_SECRET: 'bench-secret',
    // The system's own capacity: Meta's 80 messages/s per number would otherwise be the ceiling.
    WHATSAPP_RATE_LIMIT_PER_SECOND: '1000',
    SMS_MODE: 'off',
    PORT: String(ports.api),
    LOG_LEVEL: 'error',
  };
  const api = new AppProcess('api/main.js', env);
  const worker = new AppProcess('worker/main.js', { ...env, WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}` });
  api.start();
  worker.start();
  for (let i = 0; i < 300 && !(await fetch(`${apiUrl}/healthz`).then((r) => r.ok, () => false)); i++) await sleep(100);
  const db = new Pool({ connectionString: dbUrl.toString(), max: 2 });

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
    const t0 = Date.now();
    await pool(N, CONCURRENCY, async (i) => {
      const closure = { ...base, grievanceId: `B${t0.toString(36)}${i}`, citizen: { ...base.citizen, phone: phone(i) }, feedbackPolicy: { quietHours: null } };
      posted.set(i, Date.now());
      for (;;) {
        const res = await fetch(`${apiUrl}/v1/closures`, { method: 'POST', headers: { authorization: `Bearer ${env.PORTAL_API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(closure) });
        if (res.status === 202) break;
        await sleep(100);
      }
    });
    while (accepted.size < N) await sleep(50);
    const tSent = Date.now();
    let outcomes: { completed_at: Date; grievance_id: string }[] = [];
    for (; outcomes.length < N; await sleep(200)) {
      outcomes = (await db.query("SELECT grievance_id, completed_at FROM closures WHERE outcome = 'SATISFIED'")).rows;
    }
    botOn = false;
    await bot;
    const tOutcome = Math.max(...outcomes.map((o) => o.completed_at.getTime()));
    const sendLatency = [...accepted].map(([i, at]) => at - posted.get(i)!).sort((a, b) => a - b);
    const outcomeLatency = outcomes.map((o) => o.completed_at.getTime() - posted.get(Number(o.grievance_id.slice(`B${t0.toString(36)}`.length)))!).sort((a, b) => a - b);

    // Actions of one happy-path closure, from its history.
    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection, dataConverter: createDataConverter(parseCodecKeys(KEYS)) });
    const history = await client.workflow.getHandle(atrWorkflowId(`B${t0.toString(36)}0`, 1)).fetchHistory();
    const ourActions = actions(history.events ?? []);

    // ---- the floor: same shape, no-op activities, same server; started directly, "feedback" right after "deliver".
    const floorQueue = `${taskQueue}-floor`;
    const fStart = new Map<string, number>();
    const fSent = new Map<string, number>();
    const fDone = new Map<string, number>();
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    const floorWorker = await Worker.create({
      connection: nativeConnection,
      taskQueue: floorQueue,
      workflowsPath: require.resolve('./floor-workflow'),
      activities: createFloorActivities(
        (id) => {
          fSent.set(id, Date.now());
          void client.workflow.getHandle(id).signal(floorFeedback, { rating: 'SATISFIED' });
        },
        (id) => fDone.set(id, Date.now()),
      ),
    });
    const floorRun = floorWorker.run();
    const f0 = Date.now();
    await pool(N, CONCURRENCY, async (i) => {
      const id = `floor-${f0.toString(36)}-${i}`;
      fStart.set(id, Date.now());
      await client.workflow.start<typeof floorWorkflow>('floorWorkflow', { workflowId: id, taskQueue: floorQueue, args: [id], typedSearchAttributes: [{ key: SA.grievanceId, value: id }] });
    });
    while (fDone.size < N) await sleep(50);
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
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
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
        actions_per_closure_happy_path: actionTotal,
        actions_breakdown: ourActions,
        floor_actions_per_closure: Object.values(actions(floorHistory.events ?? [])).reduce((a, b) => a + b, 0),
        targets: { ratio_min: 0.8, actions_max: 12 },
        targets_met: { ratio: oursPerSecond / floorPerSecond >= 0.8, actions: actionTotal <= 12 },
      }),
    );
  } finally {
    await api.stop();
    await worker.stop();
    await sim.close();
    await db.end();
    await temporal.stop();
    const admin = new PgClient({ connectionString: DEFAULT_DATABASE_URL.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbUrl.pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
