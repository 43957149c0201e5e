/** Runs the HTTP API on its own (`node dist/api/main.js`), with the WhatsApp webhook inbox and its relay. */
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { AtrClient } from '../client';
import type { Config } from '../config';
import { loadConfigOrExit } from '../lib/boot';
import { ensureDatabase, migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { createClosureIntakeRepository } from '../db/repositories/closure-intake';
import { createAtrLinkNonceRepository } from '../db/repositories/atr-link-nonces';
import { grievanceReasons } from './reasons';
import { createClosureRepository } from '../db/repositories/closures';
import { createIdempotencyKeyRepository } from '../db/repositories/idempotency-keys';
import { createTransparencyRepository } from '../db/repositories/transparency';
import { createDataConverter } from '../codec/data-converter';
import { connectClient } from '../lib/temporal-connection';
import { createLogger, type Logger } from '../lib/log';
import { AtrSealer } from '../pdf/seal';
import { WebhookRelay } from '../messaging/whatsapp/relay';
import { createOutboxMessenger } from '../messaging/outbox';
import { createCloudApi } from '../messaging/whatsapp/client';
import { createWhatsAppMessenger } from '../messaging/whatsapp/messenger';
import { createVoiceNoteKeeper } from '../messaging/whatsapp/voice-notes';
import { createVoiceNoteRepository } from '../db/repositories/voice-notes';
import { createApiMetrics, serveMetrics } from './metrics';
import { EscalationClient } from '../client/escalations';
import { createEscalationRepository } from '../db/repositories/escalations';
import { createOfficerAccountRepository } from '../db/repositories/officer-accounts';
import { createInboxDeps } from './officer/wiring';
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
  await refuseSeededAccounts(config, pool);
  const metrics = createApiMetrics();
  const relay = new WebhookRelay({ pool, temporal, log: log.child({ component: 'relay' }), metrics, ...relayChannels(config, pool) });
  const escalations = new EscalationClient(temporal, createEscalationRepository(pool));
  const app = await buildApi({
    atr: new AtrClient(temporal, createClosureIntakeRepository(pool), config.temporal.taskQueue),
    apiKey,
    idempotency: createIdempotencyKeyRepository(pool),
    logger: log.child({ component: 'api' }),
    health: {
      temporal: () => temporal.workflowService.getSystemInfo({}),
      database: () => pool.query('SELECT 1'),
    },
    verification: { sealer: new AtrSealer(config.sealKeys), store: closures },
    whatsapp: { appSecret: config.whatsapp.appSecret, verifyToken: config.whatsapp.verifyToken, pool, onStored: () => relay.wake() },
    atrLinks: { store: closures, nonces: createAtrLinkNonceRepository(pool) },
    reasons: grievanceReasons(closures),
    metrics,
    hsts: config.publicBaseUrl.startsWith('https:'),
    escalations: { escalations, voiceNotes: createVoiceNoteRepository(pool) },
    officerInbox: {
      ...createInboxDeps(pool, escalations),
      // Without OFFICER_COOKIE_SECRET (a laptop; production requires it) a restart signs every officer out.
      cookieSecret: config.officers.cookieSecret ?? randomBytes(32).toString('base64url'),
      secure: config.publicBaseUrl.startsWith('https:'),
      sessionHours: config.officers.sessionHours,
      production: config.environment === 'production',
    },
    transparency: { rollup: createTransparencyRepository(pool) },
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

/**
 * How the relay answers citizens and keeps their voice notes: through the Cloud API (answers are free-form, inside
 * the window the citizen's message opened), or, with WHATSAPP_MODE=outbox, answers recorded and no downloads.
 */
function relayChannels(config: Readonly<Config>, pool: Pool) {
  const wa = config.whatsapp;
  if (wa.mode === 'outbox') return { messenger: createOutboxMessenger(pool) };
  const api = createCloudApi({ baseUrl: wa.apiUrl, version: wa.apiVersion, phoneNumberId: wa.phoneNumberId, accessToken: wa.accessToken, timeoutMs: wa.timeoutMs });
  return {
    messenger: createWhatsAppMessenger({ pool, api, pacing: { minIntervalMs: wa.pairIntervalMs, maxWaitMs: 20_000 } }),
    voiceNotes: createVoiceNoteKeeper({ api, notes: createVoiceNoteRepository(pool) }),
  };
}

/**
 * Production serves no officer account that `npm start` seeded on a laptop (its password sat in a file under .data/):
 * boot fails naming each, to be reset with `sampark-atr officers account <id>`.
 */
async function refuseSeededAccounts(config: Readonly<Config>, pool: Pool): Promise<void> {
  if (config.environment !== 'production') return;
  const seeded = await createOfficerAccountRepository(pool).seededAccounts();
  if (seeded.length) {
    throw new Error(`officer accounts seeded by npm start cannot be used in production; reset each with \`sampark-atr officers account <officerId>\`: ${seeded.join(', ')}`);
  }
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
