/**
 * The full WhatsApp loop for integration tests: the simulator (the only stand-in, speaking Meta's HTTP
 * protocol), our API with its signed webhook inbox and relay, and a worker whose messenger and SMS sender
 * talk to the simulator over real HTTP.
 */
import { grievanceReasons } from '../../api/reasons';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { buildApi } from '../../api/server';
import { createAtrLinkNonceRepository } from '../../db/repositories/atr-link-nonces';
import { createClosureRepository } from '../../db/repositories/closures';
import { createLogger, type Logger } from '../../lib/log';
import { activityLog } from '../../worker';
import { AtrSealer } from '../../pdf/seal';
import { buildSimulator, type Simulator, type SimulatorOptions } from '../../tools/simulator/server';
import { createSmsGateway } from '../../messaging/sms/gateway';
import { createCloudApi } from '../../messaging/whatsapp/client';
import { createWhatsAppMessenger } from '../../messaging/whatsapp/messenger';
import { WebhookRelay } from '../../messaging/whatsapp/relay';
import { createVoiceNoteKeeper } from '../../messaging/whatsapp/voice-notes';
import { createVoiceNoteRepository } from '../../db/repositories/voice-notes';
import { freePort } from '../setup/global-setup';
import { testIdempotency, testPool } from './db';
import { TEST_SEAL_KEYS, runWithWorker, type WorkerContext } from './temporal';

/** The loop's credentials (a test of our logs looks for each of them). */
export const CREDENTIALS = {
  appSecret: 'e2e-app-secret',
  accessToken: 'e2e-access-token',
  phoneNumberId: '100000000000001',
  portalApiKey: 'e2e-portal-key-0123456789',
  verifyToken: 'e2e-verify',
};

/** Everything a WhatsApp test talks to. */
export interface WhatsAppLoop extends WorkerContext {
  sim: Simulator;
  simUrl: string;
  apiUrl: string;
  /** GET/POST on the simulator's control and Graph routes. */
  simCall<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
}

/** A fresh Indian mobile number per test, so pair rates and conversations never mix. */
export function uniqueMobile(): string {
  return `+919${String(Date.now() % 1e6).padStart(6, '0')}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
}

/** Runs `body` with the simulator, the API (webhook, relay, ATR pages) and a worker on a fresh task queue. */
export async function withWhatsApp<T>(
  connection: { client: Client; nativeConnection: NativeConnection },
  body: (loop: WhatsAppLoop) => Promise<T>,
  simOptions: Partial<SimulatorOptions> = {},
  /** `log`: the logger of our parts (API, relay, activities); silent by default. */
  { log = createLogger('silent') }: { log?: Logger } = {},
): Promise<T> {
  const pool = testPool();
  const apiPort = await freePort();
  const sim = await buildSimulator({ ...CREDENTIALS, webhookUrl: `http://127.0.0.1:${apiPort}/webhooks/whatsapp`, statusDelaysMs: { sent: 20, delivered: 60, read: 60 }, ...simOptions });
  const simUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
  const api = createCloudApi({ baseUrl: simUrl, version: 'v25.0', phoneNumberId: CREDENTIALS.phoneNumberId, accessToken: CREDENTIALS.accessToken, timeoutMs: 5_000 });
  const relay = new WebhookRelay({
    pool,
    temporal: connection.client,
    log: log.child({ component: 'relay' }),
    pollMs: 100,
    messenger: createWhatsAppMessenger({ pool, api, pacing: { minIntervalMs: 100, maxWaitMs: 5_000 } }),
    voiceNotes: createVoiceNoteKeeper({ api, notes: createVoiceNoteRepository(pool) }),
  });
  try {
    return await runWithWorker(
      {
        connection,
        // Tests keep the pair-rate gap short; the production default (6 s) is tested on the messenger alone.
        messenger: createWhatsAppMessenger({ pool, api, pacing: { minIntervalMs: 100, maxWaitMs: 5_000 } }),
        sms: createSmsGateway({ url: `${simUrl}/sms`, token: CREDENTIALS.accessToken, sender: 'RJSMPK', timeoutMs: 5_000 }),
        log: activityLog(log.child({ component: 'activities' })),
      },
      async (ctx) => {
        const app = await buildApi({
          atr: ctx.atr,
          apiKey: CREDENTIALS.portalApiKey,
          idempotency: testIdempotency(),
          logger: log.child({ component: 'api' }),
          health: {},
          verification: { sealer: new AtrSealer(TEST_SEAL_KEYS), store: createClosureRepository(pool) },
          whatsapp: { appSecret: CREDENTIALS.appSecret, verifyToken: CREDENTIALS.verifyToken, pool, onStored: () => relay.wake() },
          atrLinks: { store: createClosureRepository(pool), nonces: createAtrLinkNonceRepository(pool) },
          reasons: grievanceReasons(createClosureRepository(pool)),
        });
        const apiUrl = await app.listen({ host: '127.0.0.1', port: apiPort });
        relay.start();
        try {
          const simCall = async <R>(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<R> => {
            const res = await fetch(`${simUrl}${path}`, {
              method,
              headers: payload === undefined ? {} : { 'content-type': 'application/json' },
              body: payload === undefined ? undefined : JSON.stringify(payload),
            });
            if (!res.ok) throw new Error(`simulator ${method} ${path} answered ${res.status}: ${await res.text()}`);
            return (await res.json()) as R;
          };
          return await body({ ...ctx, sim, simUrl, apiUrl, simCall });
        } finally {
          await relay.stop();
          await app.close();
        }
      },
    );
  } finally {
    await sim.close();
  }
}

/** Polls until `fn` gives a value. */
export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Our business number as the tests' hand-made webhooks name it (Meta's envelope: tools/simulator/envelope.ts). */
export const OUR_NUMBER = { wabaId: 'WABA', displayPhoneNumber: '911412345678', phoneNumberId: '100000000000001' };
