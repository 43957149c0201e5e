/** Runs the HTTP API on its own: `node dist/api/main.js`. */
import { AtrClient } from '../client';
import { loadConfig, type Config } from '../config';
import { createPool } from '../db/pool';
import { createPgStore } from '../db/store';
import { AtrSealer } from '../pdf/seal';
import { connectClient } from '../infra/temporal';
import { createLogger, type Logger } from '../lib/log';
import { buildApi } from './server';

/** Starts the API; resolves once it listens, with a function that closes it. */
export async function startApi(config: Readonly<Config>, log: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  const apiKey = config.http.apiKey;
  if (!apiKey) throw new Error('PORTAL_API_KEY is required to serve the API');
  const temporal = await connectClient(config.temporal);
  const pool = createPool(config.databaseUrl, { max: 4 });
  const app = await buildApi({
    atr: new AtrClient(temporal, config.temporal.taskQueue),
    apiKey,
    logger: log.child({ component: 'api' }),
    health: {
      temporal: () => temporal.workflowService.getSystemInfo({}),
      database: () => pool.query('SELECT 1'),
    },
    verification: { sealer: new AtrSealer(config.sealKeys), store: createPgStore(pool) },
  });
  await app.listen({ host: config.http.host, port: config.http.port });
  return {
    url: `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${config.http.port}`,
    async stop() {
      await app.close();
      await temporal.connection.close();
      await pool.end();
    },
  };
}

if (require.main === module) {
  const config = loadConfig(process.env, 'api');
  const log = createLogger(config.logLevel, { process: 'api' });
  startApi(config, log)
    .then(({ url, stop }) => {
      log.info({ url }, 'API listening');
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
    })
    .catch((err) => {
      log.fatal({ err }, 'API failed to start');
      process.exitCode = 1;
    });
}
