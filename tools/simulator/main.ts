/**
 * Runs the simulator on its own: `node dist/tools/simulator/main.js`. The defaults are the project's well-known
 * local credentials (config/index.ts uses the same), so `npm start` and the simulator find each other.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { createLogger, type Logger } from '../../lib/log';
import { buildSimulator, type SimulatorOptions } from './server';
import type { SimulatorSnapshot } from './state';

const flag = z.enum(['1', '0', 'true', 'false']).transform((v) => v === '1' || v === 'true');

const Env = z.object({
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
  SIMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  // Empty string: send no webhooks.
  SIMULATOR_WEBHOOK_URL: z.string().default('http://127.0.0.1:3000/webhooks/whatsapp'),
  SIMULATOR_PUBLIC_URL: z.url().optional(),
  /** The API's PUBLIC_BASE_URL: where the templates' "View ATR" buttons point. */
  SIMULATOR_TEMPLATE_URL_BASE: z.url().optional(),
  SIMULATOR_AUTO_READ: flag.optional(),
  SIMULATOR_UNDELIVERABLE_NUMBERS: z.string().optional(),
  SIMULATOR_THROUGHPUT_PER_SECOND: z.coerce.number().positive().optional(),
  SIMULATOR_PAIR_RATE: flag.optional(),
  // Batch webhooks as Meta does under load: collect this many ms (and at most _MAX items) per POST.
  SIMULATOR_WEBHOOK_BATCH_MS: z.coerce.number().int().min(1).max(60_000).optional(),
  SIMULATOR_WEBHOOK_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(50),
  WHATSAPP_APP_SECRET: z.string().min(1).default('local-sim-app-secret'),
  WHATSAPP_ACCESS_TOKEN: z.string().min(1).default('local-sim-access-token'),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d{6,20}$/).default('100000000000001'),
  WHATSAPP_WABA_ID: z.string().regex(/^\d{6,20}$/).optional(),
  WHATSAPP_DISPLAY_PHONE_NUMBER: z.string().optional(),
  SMS_GATEWAY_TOKEN: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Simulator options from environment variables. */
export function optionsFromEnv(env: NodeJS.ProcessEnv, logger: Logger): { options: SimulatorOptions; host: string; port: number } {
  const e = Env.parse(env);
  const options: SimulatorOptions = {
    webhookUrl: e.SIMULATOR_WEBHOOK_URL || undefined,
    appSecret: e.WHATSAPP_APP_SECRET,
    accessToken: e.WHATSAPP_ACCESS_TOKEN,
    phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
    logger,
    ...(e.SMS_GATEWAY_TOKEN ? { smsToken: e.SMS_GATEWAY_TOKEN } : {}),
    ...(e.WHATSAPP_WABA_ID ? { wabaId: e.WHATSAPP_WABA_ID } : {}),
    ...(e.WHATSAPP_DISPLAY_PHONE_NUMBER ? { displayPhoneNumber: e.WHATSAPP_DISPLAY_PHONE_NUMBER } : {}),
    ...(e.SIMULATOR_PUBLIC_URL ? { publicUrl: e.SIMULATOR_PUBLIC_URL } : {}),
    ...(e.SIMULATOR_TEMPLATE_URL_BASE ? { templateUrlBase: e.SIMULATOR_TEMPLATE_URL_BASE } : {}),
    ...(e.SIMULATOR_AUTO_READ !== undefined ? { autoRead: e.SIMULATOR_AUTO_READ } : {}),
    ...(e.SIMULATOR_THROUGHPUT_PER_SECOND ? { throughputPerSecond: e.SIMULATOR_THROUGHPUT_PER_SECOND } : {}),
    ...(e.SIMULATOR_PAIR_RATE === false ? { pairRate: false } : {}),
    ...(e.SIMULATOR_WEBHOOK_BATCH_MS ? { chaos: { batchWebhooks: { windowMs: e.SIMULATOR_WEBHOOK_BATCH_MS, maxItems: e.SIMULATOR_WEBHOOK_BATCH_MAX } } } : {}),
    ...(e.SIMULATOR_UNDELIVERABLE_NUMBERS ? { undeliverableNumbers: e.SIMULATOR_UNDELIVERABLE_NUMBERS.split(',').map((n) => n.trim()).filter(Boolean) } : {}),
  };
  return { options, host: e.SIMULATOR_HOST, port: e.SIMULATOR_PORT };
}

/**
 * Starts the simulator; resolves once it listens. With `stateFile`, the chats and media of the last run are
 * loaded from it and saved to it on stop, so citizens' phones keep their ATRs across restarts as real ones do.
 */
export async function startSimulator(env: NodeJS.ProcessEnv, logger: Logger, { stateFile }: { stateFile?: string } = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const { options, host, port } = optionsFromEnv(env, logger);
  const sim = await buildSimulator(options);
  if (stateFile && existsSync(stateFile)) {
    sim.state.restore(JSON.parse(readFileSync(stateFile, 'utf8')) as SimulatorSnapshot);
    logger.info({ conversations: sim.state.conversations.size }, 'simulator state restored');
  }
  const address = await sim.app.listen({ host, port });
  const url = host === '0.0.0.0' ? address.replace('0.0.0.0', '127.0.0.1') : address;
  return {
    url,
    async stop() {
      await sim.close();
      if (!stateFile) return;
      // Write then rename: a crash mid-write must not leave half a file that the next start cannot read.
      // Owner-only (0600): it holds citizens' messages, links and PDFs. A mode applies only when a file is
      // created, so a leftover .tmp from a crash is removed first; the rename keeps the new file's mode.
      rmSync(`${stateFile}.tmp`, { force: true });
      writeFileSync(`${stateFile}.tmp`, JSON.stringify(sim.state.snapshot()), { mode: 0o600 });
      renameSync(`${stateFile}.tmp`, stateFile);
    },
  };
}

if (require.main === module) {
  const log = createLogger(process.env.LOG_LEVEL ?? 'info', { process: 'simulator' });
  startSimulator(process.env, log)
    .then(({ url, stop }) => {
      log.info({ url, webhooks: process.env.SIMULATOR_WEBHOOK_URL ?? 'http://127.0.0.1:3000/webhooks/whatsapp' }, 'WhatsApp and SMS simulator listening');
      process.stdout.write(`WhatsApp/SMS simulator: ${url}  (a citizen's phone: ${url}/phone/+91XXXXXXXXXX)\n`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
    })
    .catch((err) => {
      log.fatal({ err }, 'simulator failed to start');
      process.exitCode = 1;
    });
}
