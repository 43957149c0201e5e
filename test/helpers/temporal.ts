/**
 * Temporal test plumbing: time-skipping environments on the Java test server, a client for the run's
 * dev server, and runWithWorker, which runs a body while a real ATR worker (real activities, real
 * PostgreSQL) serves a fresh task queue.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { ActivityDeps } from '../../activities';
import { NO_METRICS } from '../../activities/ports';
import { AtrClient } from '../../client';
import { createDataConverter } from '../../codec/data-converter';
import { loadConfig } from '../../config';
import { registerSearchAttributes } from '../../lib/temporal-connection';
import { createChannelBreakerRepository } from '../../db/repositories/channel-breakers';
import { createOutboxMessenger } from '../../messaging/outbox';
import { createAtrRenderer } from '../../pdf/atr/render';
import { AtrSealer } from '../../pdf/seal';
import { createAtrWorkers, createEscalationDeps, createStore, type AtrWorkers } from '../../worker';
import { closeTestPool, testIntake, testPool } from './db';

/** Payload encryption keys for tests (histories captured by tests are encrypted with these). */
export const TEST_CODEC_KEYS = [{ id: 'test1', key: Buffer.from('c2FtcGFyay1hdHItdGVzdC1wYXlsb2FkLWtleS0zMmI=', 'base64') }];
/** The data converter every test client and worker uses, as production does (plain payloads refused). */
export const TEST_DATA_CONVERTER = createDataConverter(TEST_CODEC_KEYS, { requireEncryption: true });

/** ATR signing keys for tests. */
export const TEST_SEAL_KEYS = [{ id: 't1', secret: 'test-signing-secret-0123456789abcdef' }];

/** The configuration production would read from an environment with only the required variables. */
export const TEST_ENV = {
  PORTAL_API_KEY: 'x'.repeat(16),
  ATR_SIGNING_KEYS: TEST_SEAL_KEYS.map((k) => `${k.id}:${k.secret}`).join(','),
  PAYLOAD_CODEC_KEYS: TEST_CODEC_KEYS.map((k) => `${k.id}:${k.key.toString('base64')}`).join(','),
};

/** The state-wide defaults exactly as production reads them (24 h and 72 h reminders, 7 days, 21:00-09:00). */
export const DEFAULT_POLICY = loadConfig(TEST_ENV).defaultPolicy;

/** A time-skipping environment on the Java test server, with our search attributes registered. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const executable = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!executable) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set (global-setup sets it)');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: executable } },
    client: { dataConverter: TEST_DATA_CONVERTER },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** Connections to the run's dev server. */
export interface DevServer {
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/** Connections to the run's dev server (for integration tests). */
export async function connectDevServer(): Promise<DevServer> {
  const address = process.env.TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEST_TEMPORAL_ADDRESS is not set (global-setup starts the dev server)');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace: 'default', dataConverter: TEST_DATA_CONVERTER }),
    nativeConnection,
    close: async () => {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** Where a test body runs. */
export interface WorkerContext {
  atr: AtrClient;
  client: Client;
  taskQueue: string;
  worker: AtrWorkers;
  deps: ActivityDeps;
}

/** Overrides for one worker: where to connect, and any activity dependency to replace. */
export interface WorkerOverrides extends Partial<ActivityDeps> {
  connection: { client: Client; nativeConnection: NativeConnection };
}

/**
 * The activities' dependencies as tests wire them: the real repositories, outbox and renderer, a silent log, and
 * the breakers of the given task queue (another test's open breaker never holds this one's sends).
 */
export function testActivityDeps(pool: Pool, taskQueue: string, overrides: Partial<ActivityDeps> = {}): ActivityDeps {
  return {
    store: createStore(pool),
    messenger: createOutboxMessenger(pool),
    renderer: createAtrRenderer(),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    metrics: NO_METRICS,
    defaultPolicy: DEFAULT_POLICY,
    sealer: new AtrSealer(TEST_SEAL_KEYS),
    publicBaseUrl: 'https://sampark.example.in',
    atrLinkTtlHours: 720,
    breakers: createChannelBreakerRepository(pool, taskQueue),
    ...overrides,
  };
}

/** Runs `body` while a real ATR worker serves a fresh task queue; the worker stops when the body ends. */
export async function runWithWorker<T>(overrides: WorkerOverrides, body: (ctx: WorkerContext) => Promise<T>): Promise<T> {
  const { connection, ...depOverrides } = overrides;
  const pool = testPool();
  const taskQueue = `test-${randomUUID()}`;
  const deps = testActivityDeps(pool, taskQueue, depOverrides);
  const bundlePath = process.env.TEST_WORKFLOW_BUNDLE;
  if (!bundlePath) throw new Error('TEST_WORKFLOW_BUNDLE is not set (global-setup bundles the workflows)');
  const worker = await createAtrWorkers({
    connection: connection.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps,
    messagesPerSecond: 1_000,
    dataConverter: TEST_DATA_CONVERTER,
    workflowBundle: { codePath: bundlePath },
    escalation: createEscalationDeps(pool, deps),
  });
  const atr = new AtrClient(connection.client, testIntake(), taskQueue);
  // A test that fails midway must not leave workflows running: on the time-skipping server a pending
  // activity with no worker stops time for every test after it.
  const started: string[] = [];
  const closeGrievance = atr.closeGrievance.bind(atr);
  atr.closeGrievance = async (input) => {
    const result = await closeGrievance(input);
    started.push(result.workflowId);
    return result;
  };
  try {
    return await worker.runUntil(body({ atr, client: connection.client, taskQueue, worker, deps }));
  } catch (err) {
    for (const id of started) await connection.client.workflow.getHandle(id).terminate('test failed').catch(() => undefined);
    throw err;
  } finally {
    // An escalation outlives its ATR workflow by design; a test's escalations (and any ATR it left open) end with the
    // test's worker, or their timers would wait on the time-skipping server for a worker that is gone.
    // The ATR first: a run still going could start its escalation between the two.
    for (const id of started) {
      await connection.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
      await connection.client.workflow.getHandle(id.replace(/^atr-/, 'esc-')).terminate('test over').catch(() => undefined);
    }
  }
}

/** Moves a time-skipping server forward to the next time the IST clock shows hh:mm. */
export async function skipToIst(env: TestWorkflowEnvironment, hhmm: string): Promise<number> {
  const [h, m] = hhmm.split(':').map(Number);
  const now = await env.currentTimeMs();
  const istMidnight = Math.floor((now + 330 * 60_000) / 86_400_000) * 86_400_000 - 330 * 60_000;
  let target = istMidnight + (h! * 60 + m!) * 60_000;
  if (target <= now) target += 86_400_000;
  await env.sleep(target - now);
  return target;
}

/** Formats an instant as IST "HH:MM". */
export function istClock(isoOrMs: string | number): string {
  const d = new Date((typeof isoOrMs === 'string' ? Date.parse(isoOrMs) : isoOrMs) + 330 * 60_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/**
 * With CAPTURE_HISTORIES=1, saves a finished workflow's history as a replay fixture under
 * test/replay/histories (commit the file). Otherwise does nothing.
 */
export async function captureHistory(handle: { fetchHistory(): Promise<Parameters<typeof historyToJSON>[0]> }, name: string): Promise<void> {
  if (process.env.CAPTURE_HISTORIES !== '1') return;
  const dir = path.join(__dirname, '..', 'replay', 'histories');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), `${historyToJSON(await handle.fetchHistory())}\n`);
}

/**
 * The run's dev server for one test file: connected before its tests, closed (with the test pool) after them.
 * Read its fields inside tests, not at module load.
 */
export function useDevServer(): DevServer {
  const dev = {} as DevServer;
  beforeAll(async () => {
    Object.assign(dev, await connectDevServer());
  });
  afterAll(async () => {
    await dev.close?.();
    await closeTestPool();
  });
  return dev;
}
