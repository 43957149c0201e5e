/** Runs a worker process on its own (docker compose scales these): `node dist/worker/main.js`. */
import type { Pool } from 'pg';
import type { Config } from '../config';
import { loadConfigOrExit } from '../lib/boot';
import { ensureDatabase, migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { createDataConverter } from '../codec/data-converter';
import { connectClient, connectWorker } from '../lib/temporal-connection';
import { createLogger, type Logger } from '../lib/log';
import { installTemporalRuntime } from '../lib/temporal-runtime';
import { createActivityDeps, createAtrWorkers, createEscalationDeps } from '.';
import { prebuiltWorkflowBundle } from './bundle';
import { createChannelBreakerRepository } from '../db/repositories/channel-breakers';
import { createEventFeedMetrics, reportChannelBreakers, reportProcessMemory } from './metrics';
import { PortalEventFeed } from '../portal/event-feed';
import { createErasureStores, ensurePurgeSchedule } from './purge';
import { createTransparencyDeps, ensureTransparencySchedule } from './transparency';

/**
 * Starts a worker on the configured cluster; resolves with a function that drains and stops it. `shared` is a
 * pool owned by the caller (npm start's single-connection pool for embedded PostgreSQL).
 */
export async function startWorker(config: Readonly<Config>, log: Logger, shared?: Pool): Promise<{ stop(): Promise<void>; running: Promise<void> }> {
  if (!shared) await ensureDatabase(config.databaseUrl);
  const pool = shared ?? createPool(config.databaseUrl);
  await migrate(pool);
  const connection = await connectWorker(config.temporal);
  const dataConverter = createDataConverter(config.payloadKeys, { requireEncryption: config.payloadRequireEncryption });
  const client = await connectClient(config.temporal, dataConverter);
  // Citizens' closures must not wait on the purge: a Schedule that cannot be made (permissions) is logged loudly.
  await ensurePurgeSchedule(client, config.temporal.taskQueue).catch((err: unknown) =>
    log.error({ err }, 'could not create the daily purge Schedule: personal data will not expire until it exists'),
  );
  await ensureTransparencySchedule(client, config.temporal.taskQueue)
    .catch((err: unknown) => log.error({ err }, 'could not create the transparency refresh Schedule: the public dashboard will not move until it exists'))
    .finally(() => client.connection.close());
  const workflowBundle = prebuiltWorkflowBundle();
  if (!workflowBundle) log.warn('no current prebuilt workflow bundle (npm run build writes one): bundling the workflows now');
  const deps = createActivityDeps(config, pool, log.child({ component: 'activities' }));
  const worker = await createAtrWorkers({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps,
    messagesPerSecond: config.whatsapp.ratePerSecond,
    dataConverter,
    tuning: { maxCachedWorkflows: config.workerMaxCachedWorkflows },
    purge: { stores: createErasureStores(pool), retentionDays: config.retentionDays, log: log.child({ component: 'purge' }) },
    escalation: createEscalationDeps(pool, deps),
    transparency: createTransparencyDeps(pool, log.child({ component: 'transparency' })),
    ...(workflowBundle ? { workflowBundle } : {}),
  });
  const breakers = createChannelBreakerRepository(pool, config.temporal.taskQueue);
  const stopGauge = reportChannelBreakers(breakers.listOpen, (err) => log.warn({ err }, 'could not read the channel breakers for the metric'));
  const feed = new PortalEventFeed({ pool, log: log.child({ component: 'portal-events' }), ...config.portalEvents, metrics: createEventFeedMetrics() });
  feed.start();
  const running = worker.run().finally(async () => {
    stopGauge();
    await feed.stop();
    await connection.close();
    if (!shared) await pool.end();
  });
  log.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace }, 'worker started');
  return {
    running,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

if (require.main === module) {
  const config = loadConfigOrExit('worker');
  const log = createLogger(config.logLevel, { process: 'worker' });
  installTemporalRuntime(log, config.workerMetricsAddress);
  reportProcessMemory();
  startWorker(config, log)
    .then(({ stop, running }) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
      return running;
    })
    .catch((err) => {
      log.fatal({ err }, 'worker failed');
      process.exitCode = 1;
    });
}
