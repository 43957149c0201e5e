/**
 * PostgreSQL for a laptop with none installed: PGlite (PostgreSQL compiled to WebAssembly, data on disk under
 * .data/) served over the Postgres wire protocol by pglite-socket, so `pg` and every query here run against a
 * real Postgres engine. PGlite has one session: the socket server takes one connection, and the caller must
 * share a single-connection pool across the process (transactions then never interleave).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/paths';

/** A running embedded database. */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** Starts PGlite on `dataDir`, listening on 127.0.0.1:`port`. */
export async function startEmbeddedPostgres({ dataDir, port }: { dataDir: string; port: number }): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 1 });
  await server.start();
  return {
    // PGlite has the one database, `postgres`.
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * Runs the embedded database in its own process (`node dist/tools/scripts/embedded-postgres.js <dataDir> <port>`): PGlite's
 * WebAssembly memory stays out of the app's heap, and it stops with the process. Prints `ready <url>`.
 */
if (require.main === module) {
  const [dataDir, port] = process.argv.slice(2);
  if (!dataDir || !port) {
    console.error('usage: embedded <dataDir> <port>');
    process.exit(2);
  }
  startEmbeddedPostgres({ dataDir, port: Number(port) })
    .then(({ url, stop }) => {
      console.log(`ready ${url}`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().then(() => process.exit(0)));
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}

/** Spawns the embedded database process (from the compiled dist/) and waits until it serves. */
export async function spawnEmbeddedPostgres({ dataDir, port }: { dataDir: string; port: number }): Promise<EmbeddedPostgres> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'tools', 'scripts', 'embedded-postgres.js'), dataDir, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code} before it was ready`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
