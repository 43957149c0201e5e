/**
 * `npm run bench:open`: 20,000 closures delivered and left open, waiting for the citizen (as after a busy
 * week with few replies), through the full stack — API, worker process, Temporal dev server on a SQLite file,
 * PostgreSQL, the WhatsApp simulator with its status webhooks. Reports the worker's RSS (peak while filling,
 * and settled with everything open), the dev server's RSS and SQLite size, and then taps "satisfied" for the
 * oldest closures (long evicted from the worker's cache) to show they still finish. JSON on the last line.
 * BENCH_OPEN_WORKFLOWS (default 20000), BENCH_OPEN_CONCURRENCY (default 32).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ClosureSchema } from '../../contracts/closure';
import { createReports } from '../../db/reports';
import { PROJECT_ROOT } from '../../lib/paths';
import { TEMPLATES } from '../../messaging/whatsapp/protocol';
import { inParallel, machine, postClosure, round, rssMb, sleep, startBenchStack, workerMemoryMb } from './util';

const N = Number(process.env.BENCH_OPEN_WORKFLOWS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_OPEN_CONCURRENCY ?? 32);
/** Closures answered at the end, oldest first, to show evicted workflows resume. */
const RESUMED = Math.min(200, N);
const MB = 1024 * 1024;

/** Total size of a SQLite database with its WAL and shared-memory files, in MB. */
function sqliteMb(file: string): number {
  let bytes = 0;
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      bytes += statSync(f).size;
    } catch {
      // not there
    }
  }
  return round(bytes / MB, 1);
}

async function main(): Promise<void> {
  const stack = await startBenchStack({ simulator: { pairRate: false, throughputPerSecond: Infinity } });
  const { db, apiUrl, api, temporal } = stack;
  const worker = stack.worker!;
  const sim = stack.sim!;
  const simUrl = stack.simUrl!;
  const reports = createReports(db);
  const delivered = () => reports.acceptedAtrs();

  let peakWorker = 0;
  const sampler = setInterval(() => (peakWorker = Math.max(peakWorker, rssMb(worker.pid) || 0)), 1000);
  try {
    const base = ClosureSchema.parse(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples', 'closure-hi.json'), 'utf8')));
    const run = Date.now().toString(36);
    const phone = (i: number) => `+9197${String(i).padStart(8, '0')}`;
    const t0 = Date.now();
    await inParallel(N, CONCURRENCY, (i) =>
      postClosure(apiUrl, { ...base, grievanceId: `O${run}${i}`, citizen: { ...base.citizen, phone: phone(i) }, feedbackPolicy: { quietHours: null } }),
    );
    const tPosted = Date.now();
    for (let last = -1, stuckSince = Date.now(); ; await sleep(2000)) {
      const n = await delivered();
      if (n >= N) break;
      if (n !== last) [last, stuckSince] = [n, Date.now()];
      if (Date.now() - stuckSince > 300_000) throw new Error(`stuck at ${n} of ${N} delivered; worker log:\n${worker.log}`);
    }
    const tDelivered = Date.now();
    // Let the status webhooks (sent, delivered, read: three signals a workflow) drain, then measure at rest.
    for (let pending = 1; pending > 0; await sleep(2000)) {
      pending = await reports.unrelayedStatuses();
    }
    await sleep(10_000);
    const workerMemory = await workerMemoryMb(stack.workerMetricsUrl!);
    const settled = { worker: rssMb(worker.pid), api: rssMb(api.pid), temporal: rssMb(temporal.pid), sqlite: temporal.dbFile ? sqliteMb(temporal.dbFile) : NaN };
    const openRows = await reports.openClosures();

    // The oldest closures were evicted from the worker's cache long ago: their feedback must still land.
    const tResume = Date.now();
    for (let i = 0; i < RESUMED; i++) {
      const atr = sim.state.messagesFor(phone(i)).find((m) => m.wamid && (m.request as { template?: { name: string } }).template?.name === TEMPLATES.atrDisposed.name);
      if (!atr) throw new Error(`no ATR in the simulator for closure ${i}`);
      await fetch(`${simUrl}/_sim/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: phone(i), type: 'button', contextWamid: atr.wamid, index: 0 }) });
    }
    let resumed = 0;
    for (const deadline = Date.now() + 300_000; resumed < RESUMED && Date.now() < deadline; await sleep(1000)) {
      resumed = await reports.closuresWithOutcome('SATISFIED');
    }
    clearInterval(sampler);
    console.log(
      JSON.stringify({
        benchmark: 'open',
        machine: machine(),
        open_workflows: N,
        open_closure_rows: openRows,
        seconds_to_post: round((tPosted - t0) / 1000, 1),
        seconds_to_deliver_all: round((tDelivered - t0) / 1000, 1),
        worker_rss_mb_peak: peakWorker,
        worker_rss_mb_settled: settled.worker,
        worker_memory_mb_settled: workerMemory,
        worker_max_cached_workflows: stack.env.WORKER_MAX_CACHED_WORKFLOWS ?? 'default',
        api_rss_mb_settled: settled.api,
        temporal_dev_server_rss_mb: settled.temporal,
        temporal_sqlite_mb: settled.sqlite,
        temporal_sqlite_kb_per_workflow: round((settled.sqlite * 1024) / N, 1),
        resumed_after_eviction: `${resumed}/${RESUMED}`,
        resume_seconds: round((Date.now() - tResume) / 1000, 1),
        targets: { worker_rss_mb_max: 400 },
        targets_met: { worker_rss: peakWorker < 400 && settled.worker < 400, resumed: resumed === RESUMED },
      }),
    );
  } finally {
    clearInterval(sampler);
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
