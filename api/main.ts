/** Runs the HTTP API on its own (`node dist/api/main.js`), with the WhatsApp webhook inbox and its relay. */
import type { Pool } from 'pg';
import { AtrClient } from '../client';
import type { Config } from '../config';
import { loadConfigOrExit } from '../lib/boot';
import { ensureDatabase, migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { createClosureIntakeRepository } from '../db/repositories/closure-intake';
import { createAtrLinkNonceRepository } from '../db/repositories/atr-link-nonces';
import { createClosureRepository } from '../db/repositories/closures';
import { createDataConverter } from '../codec/data-converter';
import { connectClient } from '../lib/temporal-connection';
import { createLogger, type Logger } from '../lib/log';
import { AtrSealer } from '../pdf/seal';
import { WebhookRelay } from '../messaging/whatsapp/relay';
import { createApiMetrics, serveMetrics } from './metrics';
import { buildApi } from './server';

/** Starts the API and the relay; resolves once it listens, with a function that closes both. `shared`: see startWorker. */
export async function startApi(config: Readonly<Config>, log: Logger, shared?: Pool): Promise<{ url: string; metricsUrl: string; stop(): Promise<void> }> {
  const apiKey = config.http.apiKey;
  if (!apiKey) throw new Error('PORTAL_API_KEY is required to serve the API');
  if (!shared) await ensureDatabase(config.databaseUrl);
  const pool = shared ?? createPool(config.databaseUrl, { max: 10 });
  // The webhook inbox writes before the worker may have started: make sure the tables exist.
  await migrate(pool);
  const temporal = await connectClient(config.temporal, createDataConverter(config.payloadKeys, { requireEncryption: config.payloadRequireEncryption }));
  const closures = createClosureRepository(pool);
  const metrics = createApiMetrics();
  const relay = new WebhookRelay({ pool, temporal, log: log.child({ component: 'relay' }), metrics });
  const app = await buildApi({
    atr: new AtrClient(temporal, createClosureIntakeRepository(pool), config.temporal.taskQueue),
    apiKey,
    logger: log.child({ component: 'api' }),
    health: {
      temporal: () => temporal.workflowService.getSystemInfo({}),
      database: () => pool.query('SELECT 1'),
    },
    verification: { sealer: new AtrSealer(config.sealKeys), store: closures },
    whatsapp: { appSecret: config.whatsapp.appSecret, verifyToken: config.whatsapp.verifyToken, pool, onStored: () => relay.wake() },
    atrLinks: { store: closures, nonces: createAtrLinkNonceRepository(pool) },
    metrics,
    hsts: config.publicBaseUrl.startsWith('https:'),
  });
  await app.listen({ host: config.http.host, port: config.http.port });
  const metricsServer = await serveMetrics(metrics.registry, config.apiMetricsAddress);
  relay.start();
  return {
    url: `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${config.http.port}`,
    metricsUrl: metricsServer.url,
    async stop() {
      await app.close();
      await metricsServer.close();
      await relay.stop();
      await temporal.connection.close();
      if (!shared) await pool.end();
    },
  };
}

if (require.main === module) {
  const config = loadConfigOrExit('api');
  const log = createLogger(config.logLevel, { process: 'api' });
  startApi(config, log)
    .then(({ url, metricsUrl, stop }) => {
      log.info({ url, metricsUrl }, 'API listening');
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
    })
    .catch((err) => {
      log.fatal({ err }, 'API failed to start');
      process.exitCode = 1;
    });
}
