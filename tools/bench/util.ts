/**
 * What the full-stack benchmarks share: a Temporal dev server on a fresh SQLite file, a database of their own
 * on the machine's PostgreSQL, the WhatsApp simulator in this process, and our API and worker as separate
 * `node dist/...` processes configured by environment alone, as in production.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient, Pool } from 'pg';
import { ensureDatabase } from '../../db/migrate';
import { DEFAULT_DATABASE_URL } from '../../config';
import { AppProcess, ChaosTemporal, freePort } from '../scripts/local-stack';
import { buildSimulator, type Simulator, type SimulatorOptions } from '../simulator/server';

/** The q-quantile of ascending numbers. */
export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Rounds to `d` decimals. */
export function round(n: number, d = 2): number {
  return Math.round(n * 10 ** d) / 10 ** d;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `done` until it holds; fails after `timeoutMs` without progress being the point of a benchmark. */
export async function waitFor(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await done()); await sleep(50)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
  }
}

/** "2 × AMD EPYC …, Node v20…" */
export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Resident memory of a process in MB (Linux /proc). */
export function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const line = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return line ? round(Number(line[1]) / 1024, 1) : NaN;
  } catch {
    return NaN;
  }
}

/** A process's /proc stat fields after its name: [state, ppid, …]; utime, stime, cutime, cstime at 11-14 (ticks of 10 ms). */
function statOf(pid: number | string): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return undefined;
  }
}

const commOf = (pid: number | string) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/**
 * CPU seconds used so far by each named process, by PostgreSQL (live backends plus, through the postmaster's
 * children's time, the backends that have exited), and by this process.
 */
export function cpuSnapshot(pids: Record<string, number | undefined>): Record<string, number> {
  const snapshot: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    const f = pid ? statOf(pid) : undefined;
    snapshot[name] = f ? (Number(f[11]) + Number(f[12])) / 100 : 0;
  }
  snapshot.postgres = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || commOf(entry) !== 'postgres') continue;
    const f = statOf(entry);
    if (!f) continue;
    snapshot.postgres += (Number(f[11]) + Number(f[12])) / 100;
    if (commOf(f[1]!) !== 'postgres') snapshot.postgres += (Number(f[13]) + Number(f[14])) / 100; // the postmaster
  }
  const self = process.cpuUsage();
  snapshot.bench_process = (self.user + self.system) / 1e6;
  return snapshot;
}

/** CPU milliseconds per item between two snapshots, per process and in total. */
export function cpuMsPer(before: Record<string, number>, after: Record<string, number>, items: number): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const key of Object.keys(after)) {
    const ms = ((after[key]! - (before[key] ?? 0)) * 1000) / items;
    out[key] = round(ms, 1);
    total += ms;
  }
  out.total = round(total, 1);
  return out;
}

/** The portal's API key in every benchmark stack. */
export const BENCH_API_KEY = 'bench-portal-key-0123456789';
/** The WhatsApp app secret webhooks are signed with. */
export const BENCH_APP_SECRET = 'bench-app-secret';

/** A running benchmark stack. */
export interface BenchStack {
  temporal: ChaosTemporal;
  db: Pool;
  apiUrl: string;
  api: AppProcess;
  worker?: AppProcess;
  /** The worker's Prometheus endpoint. */
  workerMetricsUrl?: string;
  sim?: Simulator;
  simUrl?: string;
  /** Environment the API and worker run with (TEMPORAL_TASK_QUEUE, PAYLOAD_CODEC_KEYS…). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the stack; `simulator` (its options beyond credentials and webhook) also starts a worker that sends
 * through it, without Meta's 80/s cap so the system's own capacity shows.
 */
export async function startBenchStack(opts: { simulator?: Partial<SimulatorOptions>; logLevel?: string } = {}): Promise<BenchStack> {
  const run = Date.now().toString(36);
  // BENCH_TEMPORAL_STORE=memory: the dev server without its SQLite file, to see what the file costs.
  const inMemory = process.env.BENCH_TEMPORAL_STORE === 'memory';
  const temporal = new ChaosTemporal(await freePort(), inMemory ? undefined : path.join(mkdtempSync(path.join(os.tmpdir(), 'sampark-bench-')), 'temporal.sqlite'));
  const dbUrl = new URL(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  dbUrl.pathname = `/sampark_atr_bench_${run}`;
  await ensureDatabase(dbUrl.toString());
  await temporal.start();
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  let sim: Simulator | undefined;
  let simUrl: string | undefined;
  if (opts.simulator) {
    sim = await buildSimulator({ appSecret: BENCH_APP_SECRET, accessToken: 'bench-token', phoneNumberId: '100000000000001', webhookUrl: `${apiUrl}/webhooks/whatsapp`, ...opts.simulator });
    simUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
  }
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-${run}`,
    DATABASE_URL: dbUrl.toString(),
    PORTAL_API_KEY: BENCH_API_KEY,
    ATR_SIGNING_KEYS: `b1:${'s'.repeat(40)}`,
    PAYLOAD_CODEC_KEYS: `bench:${Buffer.alloc(32, 11).toString('base64')}`,
    WHATSAPP_APP_SECRET: BENCH_APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: 'bench-verify',
    ...(simUrl ? { WHATSAPP_MODE: 'simulator', WHATSAPP_API_URL: simUrl, WHATSAPP_ACCESS_TOKEN: 'bench-token', WHATSAPP_RATE_LIMIT_PER_SECOND: '1000' } : {}),
    SMS_MODE: 'off',
    LOG_LEVEL: opts.logLevel ?? 'error',
    // Worker tuning under test, e.g. WORKER_MAX_CACHED_WORKFLOWS=500 npm run bench:open.
    ...Object.fromEntries(Object.entries(process.env).filter((kv): kv is [string, string] => (kv[0].startsWith('WORKER_MAX_') || kv[0] === 'MALLOC_ARENA_MAX') && kv[1] !== undefined)),
  };
  const api = new AppProcess('api/main.js', { ...env, PORT: String(port), API_METRICS_ADDRESS: `127.0.0.1:${await freePort()}` });
  const workerMetrics = `127.0.0.1:${await freePort()}`;
  const worker = simUrl ? new AppProcess('worker/main.js', { ...env, WORKER_METRICS_ADDRESS: workerMetrics }) : undefined;
  api.start();
  worker?.start();
  for (let i = 0; i < 600 && !(await fetch(`${apiUrl}/healthz`).then((r) => r.ok, () => false)); i++) await sleep(100);
  const db = new Pool({ connectionString: dbUrl.toString(), max: 2 });
  return {
    temporal,
    db,
    apiUrl,
    api,
    ...(worker ? { worker, workerMetricsUrl: `http://${workerMetrics}/metrics` } : {}),
    ...(sim ? { sim, simUrl } : {}),
    env,
    async stop() {
      await api.stop();
      await worker?.stop();
      await sim?.close();
      await db.end();
      await temporal.stop();
      const admin = new PgClient({ connectionString: DEFAULT_DATABASE_URL.replace(/\/[^/]*$/, '/postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${dbUrl.pathname.slice(1)}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Posts a closure as the portal does, retrying until the API accepts it. */
export async function postClosure(apiUrl: string, closure: unknown): Promise<void> {
  for (;;) {
    const res = await fetch(`${apiUrl}/v1/closures`, { method: 'POST', headers: { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(closure) });
    if (res.status === 202 || res.status === 200) return; // 200: an earlier attempt of this closure got through
    await sleep(100);
  }
}

/** Runs `task` for 0..n-1 with at most `limit` in flight. */
export async function inParallel(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

/** The worker's own memory figures (`sampark_atr_worker_memory_bytes`), in MB by kind. */
export async function workerMemoryMb(metricsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^sampark_atr_worker_memory_bytes\{[^}]*kind="(\w+)"[^}]*\} (\S+)$/gm)) out[m[1]!] = round(Number(m[2]) / 1024 / 1024, 1);
  return out;
}
