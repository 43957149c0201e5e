/**
 * The main job, `npm start`: everything on one machine with embedded defaults. Starts the Temporal dev
 * server (SQLite under .data/, Web UI on 8233), migrates PostgreSQL, runs the worker and the API, and
 * prints the URLs. Ctrl-C stops it all in order; the next start resumes every workflow in flight.
 */
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../config';
import { spawnEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { DEFAULT_DATABASE_URL } from '../../config';
import { createPool } from '../../db/pool';
import { startApi } from '../../api/main';
import { startDevServer, type DevServer } from './dev-server';
import { requireTemporalCli } from '../install/temporal-binaries';
import { createLogger } from '../../lib/log';
import { localSecrets } from '../../lib/local-secrets';
import { DATA_DIR, ensureDataDir } from '../../lib/paths';
import { startCodecServer } from '../../codec/main';
import { installTemporalRuntime } from '../../lib/temporal-runtime';
import { startSimulator } from '../simulator/main';
import { startWorker } from '../../worker/main';
import { reportProcessMemory } from '../../worker/metrics';
import { setup } from './setup';
import { describeLocalLogins, seedLocalOfficers } from './seed-officers';

/** Local-only defaults, so the one command works with no environment at all. */
const LOCAL_DEFAULTS = {
  PORTAL_API_KEY: 'local-dev-portal-key',
};

async function main(): Promise<void> {
  for (const line of setup()) console.log(`[setup] ${line}`);
  ensureDataDir();
  const env: Record<string, string> = { ...LOCAL_DEFAULTS, ...localSecrets(), ...definedOnly(process.env) };
  const database = await chooseDatabase(env.DATABASE_URL, loadConfig(env).embeddedPostgresPort);
  const config = loadConfig({ ...env, DATABASE_URL: database.url });
  const log = createLogger(config.logLevel, { process: 'start' });
  installTemporalRuntime(log, config.workerMetricsAddress);
  reportProcessMemory();

  // The codec server first: the dev server's Web UI is pointed at it, with its token in the path.
  const codec = await startCodecServer(config, log.child({ component: 'codec' }));
  let devServer: DevServer | undefined;
  if (config.devServer.mode === 'embedded') {
    const [host, port] = config.temporal.address.split(':');
    devServer = await startDevServer({
      cliPath: requireTemporalCli().path,
      ip: host,
      port: Number(port),
      namespace: config.temporal.namespace,
      dbFile: path.join(DATA_DIR, 'temporal.sqlite'),
      uiPort: config.devServer.uiPort,
      uiCodecEndpoint: codec.uiEndpoint,
    });
  }
  // The WhatsApp simulator, with the same local credentials the config defaults to, posting to our webhook.
  const simulator =
    config.whatsapp.mode === 'simulator'
      ? await startSimulator(
          {
            SIMULATOR_PORT: String(config.simulatorPort),
            SIMULATOR_WEBHOOK_URL: `http://127.0.0.1:${config.http.port}/webhooks/whatsapp`,
            SIMULATOR_TEMPLATE_URL_BASE: config.publicBaseUrl,
            WHATSAPP_APP_SECRET: config.whatsapp.appSecret,
            WHATSAPP_ACCESS_TOKEN: config.whatsapp.accessToken,
            WHATSAPP_PHONE_NUMBER_ID: config.whatsapp.phoneNumberId,
            SMS_GATEWAY_TOKEN: config.sms.token,
            LOG_LEVEL: config.logLevel,
          },
          log.child({ component: 'simulator' }),
          { stateFile: path.join(DATA_DIR, 'simulator.json') },
        )
      : undefined;
  // Embedded PGlite has one session: the worker and the API share one single-connection pool.
  const shared = database.embedded ? createPool(config.databaseUrl, { max: 1 }) : undefined;
  const worker = await startWorker(config, log, shared);
  const api = await startApi(config, log, shared);
  const seedPool = shared ?? createPool(config.databaseUrl, { max: 1 });
  const logins = await seedLocalOfficers(seedPool).finally(() => (shared ? undefined : seedPool.end()));

  const lines = [
    '',
    'Sampark ATR is running.',
    `  API            ${api.url}  (Authorization: Bearer ${config.http.apiKey === LOCAL_DEFAULTS.PORTAL_API_KEY ? LOCAL_DEFAULTS.PORTAL_API_KEY : '<PORTAL_API_KEY>'})`,
    `  Health         ${api.url}/healthz`,
    `  Metrics        ${api.metricsUrl} (API, relay), http://${config.workerMetricsAddress}/metrics (worker, Temporal SDK); internal listeners, not on the API's port`,
    ...(devServer?.uiUrl ? [`  Temporal UI    ${devServer.uiUrl}`] : []),
    `  Temporal gRPC  ${config.temporal.address} (namespace ${config.temporal.namespace})`,
    ...(simulator ? [`  WhatsApp sim   ${simulator.url}  (a citizen's phone: ${simulator.url}/phone/+919876543210)`] : [`  WhatsApp       ${config.whatsapp.mode} (${config.whatsapp.apiUrl})`]),
    `  Codec server   ${codec.url}  (the Web UI decrypts through it; so does \`npm run temporal -- workflow show -w <id>\`, with the token kept in .data/local-secrets.json)`,
    `  PostgreSQL     ${redactUrl(config.databaseUrl)}${database.embedded ? '  (embedded PGlite, data in .data/pglite)' : ''}`,
    ...describeLocalLogins(api.url, logins),
    'Press Ctrl-C to stop.',
    '',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping: API, worker, then Temporal...');
    await api.stop().catch((err) => log.error({ err }, 'API stop failed'));
    await worker.stop().catch((err) => log.error({ err }, 'worker stop failed'));
    await simulator?.stop().catch((err) => log.error({ err }, 'simulator stop failed'));
    await devServer?.stop();
    await codec.stop();
    await shared?.end();
    await database.embedded?.stop();
    console.log('Stopped.');
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await worker.running.catch(async (err) => {
    log.fatal({ err }, 'worker stopped unexpectedly');
    await stop();
    process.exitCode = 1;
  });
}

/**
 * DATABASE_URL if set; else the local server if it answers; else embedded PGlite (data under .data/), so a
 * laptop without PostgreSQL still runs everything with one command.
 */
async function chooseDatabase(configured: string | undefined, embeddedPort: number): Promise<{ url: string; embedded?: EmbeddedPostgres }> {
  if (configured) return { url: configured };
  const probe = new Client({ connectionString: DEFAULT_DATABASE_URL.replace(/\/[^/]*$/, '/postgres'), connectionTimeoutMillis: 2_000 });
  try {
    await probe.connect();
    return { url: DEFAULT_DATABASE_URL };
  } catch {
    console.log('[start] no PostgreSQL at 127.0.0.1:5432: starting embedded PGlite');
    const embedded = await spawnEmbeddedPostgres({ dataDir: path.join(DATA_DIR, 'pglite'), port: embeddedPort });
    return { url: embedded.url, embedded };
  } finally {
    await probe.end().catch(() => undefined);
  }
}

/** Environment entries that are set (an empty variable must not hide a local default). */
function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => Boolean(kv[1])));
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
