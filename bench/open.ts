/**
 * `npm run bench:open`: 20,000 closures delivered and left open, waiting for the citizen (as after a busy
 * week with few replies), through the full stack — API, worker process, Temporal dev server on a SQLite file,
 * PostgreSQL, the WhatsApp simulator with its status webhooks. Reports the worker's RSS (peak while filling,
 * and settled with everything open), the dev server's RSS and SQLite size, and then taps "satisfied" for the
 * oldest closures (long evicted from the worker's cache) to show they still finish. JSON on the last line.
 * BENCH_OPEN_WORKFLOWS (default 20000), BENCH_OPEN_CONCURRENCY (default 32).
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient, Pool } from 'pg';
import { ClosureSchema } from '../contracts/closure';
import { ensureDatabase } from '../db/migrate';
import { DEFAULT_DATABASE_URL } from '../db/pool';
import { PROJECT_ROOT } from '../lib/paths';
import { AppProcess, ChaosTemporal } from '../scripts/local-stack';
import { buildSimulator } from '../simulator/server';
import { TEMPLATES } from '../whatsapp/protocol';
import { freePort, round } from './util';

const N = Number(process.env.BENCH_OPEN_WORKFLOWS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_OPEN_CONCURRENCY ?? 32);
/** Closures answered at the end, oldest first, to show evicted workflows resume. */
const RESUMED = Math.min(200, N);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

/** Resident memory of a process in MB (Linux /proc). */
function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return line ? round(Number(line[1]) / 1024, 1) : NaN;
}

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
  const ports = { temporal: await freePort(), api: await freePort() };
  const temporal = new ChaosTemporal(ports.temporal, path.join(mkdtempSync(path.join(os.tmpdir(), 'sampark-bench-')), 'temporal.sqlite'));
  const dbUrl = new URL(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  dbUrl.pathname = `/sampark_atr_bench_${Date.now().toString(36)}`;
  await ensureDatabase(dbUrl.toString());
  await temporal.start();
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  const sim = await buildSimulator({ appSecret: 'bench-secret', accessToken: 'bench-token', phoneNumberId: '100000000000001', webhookUrl: `${apiUrl}/webhooks/whatsapp`, pairRate: false, throughputPerSecond: Infinity });
  const simUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
  const env = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-open-${Date.now().toString(36)}`,
    DATABASE_URL: dbUrl.toString(),
    PORTAL_API_KEY: 'bench-portal-key-0123456789',
    ATR_SIGNING_KEYS: `b1:${'s'.repeat(40)}`,
    PAYLOAD_CODEC_KEYS: `bench:${Buffer.alloc(32, 11).toString('base64')}`,
    WHATSAPP_MODE: 'simulator',
    WHATSAPP_API_URL: simUrl,
    WHATSAPP_ACCESS_TOKEN: 'bench-token',
    WHATSAPP_APP_SECRET: 'bench-secret',
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
  const db = new Pool({ connectionString: dbUrl.toString(), max: 1 });
  const delivered = async () => Number((await db.query("SELECT count(*) AS n FROM outbound_messages WHERE purpose = 'ATR' AND status = 'accepted'")).rows[0].n);

  let peakWorker = 0;
  const sampler = setInterval(() => (peakWorker = Math.max(peakWorker, rssMb(worker.pid) || 0)), 1000);
  try {
    const base = ClosureSchema.parse(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples', 'closure-hi.json'), 'utf8')));
    const run = Date.now().toString(36);
    const phone = (i: number) => `+9197${String(i).padStart(8, '0')}`;
    const t0 = Date.now();
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        const closure = { ...base, grievanceId: `O${run}${i}`, citizen: { ...base.citizen, phone: phone(i) }, feedbackPolicy: { quietHours: null } };
        for (;;) {
          const res = await fetch(`${apiUrl}/v1/closures`, { method: 'POST', headers: { authorization: `Bearer ${env.PORTAL_API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(closure) });
          if (res.status === 202) break;
          await sleep(200);
        }
      }
    }));
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
      pending = Number((await db.query('SELECT count(*) AS n FROM message_statuses WHERE relayed_at IS NULL')).rows[0].n);
    }
    await sleep(10_000);
    const settled = { worker: rssMb(worker.pid), api: rssMb(api.pid), temporal: rssMb(temporal.pid), sqlite: sqliteMb(temporal.dbFile) };
    const openRows = Number((await db.query('SELECT count(*) AS n FROM closures WHERE outcome IS NULL')).rows[0].n);

    // The oldest closures were evicted from the worker's cache long ago: their feedback must still land.
    const tResume = Date.now();
    for (let i = 0; i < RESUMED; i++) {
      const atr = sim.state.messagesFor(phone(i)).find((m) => m.wamid && (m.request as { template?: { name: string } }).template?.name === TEMPLATES.atrDisposed.name);
      if (!atr) throw new Error(`no ATR in the simulator for closure ${i}`);
      await fetch(`${simUrl}/_sim/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: phone(i), type: 'button', contextWamid: atr.wamid, index: 0 }) });
    }
    let resumed = 0;
    for (const deadline = Date.now() + 300_000; resumed < RESUMED && Date.now() < deadline; await sleep(1000)) {
      resumed = Number((await db.query("SELECT count(*) AS n FROM closures WHERE outcome = 'SATISFIED'")).rows[0].n);
    }
    clearInterval(sampler);
    console.log(
      JSON.stringify({
        benchmark: 'open',
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
        open_workflows: N,
        open_closure_rows: openRows,
        seconds_to_post: round((tPosted - t0) / 1000, 1),
        seconds_to_deliver_all: round((tDelivered - t0) / 1000, 1),
        worker_rss_mb_peak: peakWorker,
        worker_rss_mb_settled: settled.worker,
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
