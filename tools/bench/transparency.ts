/**
 * `npm run bench:transparency`: loads BENCH_CLOSURES (default 5 million) synthetic closures with outcomes into a
 * PostgreSQL database of its own (set-based SQL, tools/bench/transparency-load.sql), rolls them up, serves the
 * API's transparency routes, and prints JSON: the page's warm (cached) and cold (uncached) p95, the CSV's, an
 * incremental refresh after a day's worth of new closures, the rollup's size on disk, and a floor measured in the
 * same run (the p95 of GET /healthz with no checks on the same server: what any route costs at least).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { refreshTransparency } from '../../activities/transparency';
import { buildApi } from '../../api/server';
import { AtrClient } from '../../client';
import { DEFAULT_DATABASE_URL } from '../../config';
import { ensureDatabase, migrate } from '../../db/migrate';
import { createPool } from '../../db/pool';
import { createClosureIntakeRepository } from '../../db/repositories/closure-intake';
import { createTransparencyFacts } from '../../db/reports/transparency';
import { createTransparencyRepository } from '../../db/repositories/transparency';
import { createLogger } from '../../lib/log';
import { createTransparencyDeps } from '../../worker/transparency';
import { machine, quantile, round } from './util';
import { createIdempotencyKeyRepository } from '../../db/repositories/idempotency-keys';

const N = Number(process.env.BENCH_CLOSURES ?? 5_000_000);
const DAYS = 365;
const REQUESTS = 300;
const DB = 'sampark_bench_transparency';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const istToday = () => new Date(Date.now() + 330 * 60_000).toISOString().slice(0, 10);

function loadSql(first: number, n: number, days: number, lastDay: string, changedAt: string): string {
  const sql = readFileSync(path.join(__dirname, '..', '..', '..', 'tools', 'bench', 'transparency-load.sql'), 'utf8');
  return sql
    .replace(/:'changed_at'/g, `'${changedAt}'`)
    .replace(/:'last_day'/g, `'${lastDay}'`)
    .replace(/(?<!:):(first|n|days)\b/g, (_, k: string) => String({ first, n, days }[k as 'first' | 'n' | 'days']));
}

async function p95(url: string): Promise<{ p50: number; p95: number }> {
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: round(quantile(ms, 0.5)), p95: round(quantile(ms, 0.95)) };
}

async function main(): Promise<void> {
  const maintenance = new URL(DEFAULT_DATABASE_URL);
  maintenance.pathname = '/postgres';
  const admin = new PgClient({ connectionString: maintenance.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.end();
  const url = new URL(DEFAULT_DATABASE_URL);
  url.pathname = `/${DB}`;
  await ensureDatabase(url.toString());
  // The API and the refreshes use the production pool's settings (statement timeout and all); the bulk load alone has none.
  const pool = createPool(url.toString(), { max: 8 });
  const loader = createPool(url.toString(), { max: 1, statement_timeout: 0, query_timeout: 0 });
  await migrate(pool);
  // The load is a handful of long statements: no statement timeout for this session's pool.
  const load = async (sql: string) => {
    const c = await loader.connect();
    try {
      await c.query(sql);
      await c.query('ANALYZE');
    } finally {
      c.release();
    }
  };
  const today = istToday();
  let t = performance.now();
  await load(loadSql(1, N, DAYS, today, new Date(Date.now() - 3_600_000).toISOString()));
  const loadS = round((performance.now() - t) / 1000, 1);

  const deps = createTransparencyDeps(pool, quiet);
  t = performance.now();
  // The first refresh ever rolls up the whole year (what a first deployment's first run does), in 7-day statements.
  const full = await refreshTransparency(deps);
  const fullS = round((performance.now() - t) / 1000, 1);

  // A day's worth of new closures, disposed today, changed after the watermark.
  const perDay = Math.round(N / DAYS);
  await load(loadSql(N + 1, perDay, 1, today, new Date().toISOString()));
  t = performance.now();
  const incremental = await refreshTransparency(deps);
  const incrementalS = round((performance.now() - t) / 1000, 2);

  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  const serve = async (cacheTtlMs: number) => {
    const app = await buildApi({
      atr: new AtrClient(new Client({ connection }), createClosureIntakeRepository(pool)),
      apiKey: 'bench-transparency-key-0123456789',
      idempotency: createIdempotencyKeyRepository(pool),
      logger: createLogger('silent'),
      health: {},
      transparency: { rollup: createTransparencyRepository(pool), cacheTtlMs, limits: [{ max: 1_000_000, windowMs: 60_000, by: 'ip' }] },
    });
    return { app, base: await app.listen({ host: '127.0.0.1', port: 0 }) };
  };
  const cached = await serve(60_000);
  const uncached = await serve(0);
  const from = new Date(Date.parse(today) - 59 * 86_400_000).toISOString().slice(0, 10);
  const figures = {
    floorHealthz: await p95(`${cached.base}/healthz`),
    pageWarm30d: await p95(`${cached.base}/transparency?period=30`),
    pageWarm90d: await p95(`${cached.base}/transparency?period=90&lang=en`),
    pageUncached30d: await p95(`${uncached.base}/transparency?period=30`),
    pageUncached90d: await p95(`${uncached.base}/transparency?period=90`),
    csvWarm90d: await p95(`${cached.base}/transparency/data.csv?period=90`),
    csvUncached60dRange: await p95(`${uncached.base}/transparency/data.csv?from=${from}&to=${today}`),
  };
  await cached.app.close();
  await uncached.app.close();
  const footprint = await createTransparencyRepository(pool).footprint();
  const closuresBytes = await createTransparencyFacts(pool).closuresBytes();
  await pool.end();
  await loader.end();
  await connection.close().catch(() => undefined);

  console.log(
    JSON.stringify(
      {
        machine: machine(),
        closures: N + perDay,
        loadSeconds: loadS,
        fullRollup: { seconds: fullS, days: full.days, rows: full.rows },
        incrementalRefresh: { seconds: incrementalS, newClosures: perDay, days: incremental.days, rows: incremental.rows, targetSeconds: 60 },
        latencyMs: { ...figures, targetPageWarmP95: 100 },
        onDisk: { rollupBytes: footprint.bytes, rollupRows: footprint.rows, closuresBytes },
      },
      null,
      2,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  // The pool and the servers may still be open: a failed bench must not hang.
  process.exit(1);
});
