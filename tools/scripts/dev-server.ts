/**
 * Starts `temporal server start-dev` as a child process and waits until it serves the namespace.
 * Used by `npm start` (with the Web UI and a SQLite file) and by the integration tests (headless,
 * in memory). We start it ourselves instead of through the SDK, whose 5 s start-up limit is tight on
 * a loaded 2-core machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES as SEARCH_ATTRIBUTES } from '../../contracts/escalation';
import { registerSearchAttributes } from '../../lib/temporal-connection';

const TS_TYPE_NAMES = { TEXT: 'Text', KEYWORD: 'Keyword', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' } as const;

/** How to run the dev server. */
export interface DevServerOptions {
  cliPath: string;
  port: number;
  ip?: string;
  namespace?: string;
  /** SQLite file; without it the server keeps everything in memory. */
  dbFile?: string;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  uiCodecEndpoint?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'never';
  /** Where the server's own output goes. */
  stdio?: 'inherit' | 'ignore';
  readyTimeoutMs?: number;
}

/** A running dev server. */
export interface DevServer {
  address: string;
  uiUrl?: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process has exited. */
  stop(): Promise<void>;
}

/** Starts the dev server and resolves once its frontend answers for the namespace. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const namespace = opts.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(opts.port), '--namespace', namespace, '--log-level', opts.logLevel ?? 'warn'];
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  if (opts.uiPort) {
    args.push('--ui-port', String(opts.uiPort), '--ui-disable-news-fetch');
    if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  } else {
    args.push('--headless');
  }
  for (const key of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${TS_TYPE_NAMES[key.type]}`);
  // Its own process group: a terminal's Ctrl-C reaches only us, and we stop the server last, after the worker drains.
  const child = spawn(opts.cliPath, args, { stdio: ['ignore', opts.stdio ?? 'ignore', opts.stdio ?? 'ignore'], detached: true });
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.removeListener('exit', killOnExit);
      resolve();
    }),
  );
  const address = `${ip}:${opts.port}`;

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };

  try {
    await waitUntilServing(address, namespace, child, opts.readyTimeoutMs ?? 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, child, stop, ...(opts.uiPort ? { uiUrl: `http://${ip === '0.0.0.0' ? '127.0.0.1' : ip}:${opts.uiPort}` } : {}) };
}

async function waitUntilServing(address: string, namespace: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode} before it was ready`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        // With an existing SQLite file the start flags do not register new attributes: do it here.
        await registerSearchAttributes(connection, namespace);
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`temporal dev server at ${address} not ready after ${timeoutMs} ms: ${(lastError as Error)?.message}`);
}
