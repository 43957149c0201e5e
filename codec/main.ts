/** Runs the codec server: `node dist/codec/main.js` (needs PAYLOAD_CODEC_KEYS and CODEC_AUTH_TOKEN). */
import type { Config } from '../config';
import { loadConfigOrExit } from '../lib/boot';
import { createLogger, type Logger } from '../lib/log';
import { buildCodecServer } from './server';

/**
 * Starts the codec server. Outside production it also serves the token-in-path form, and `uiEndpoint` is that
 * path for the dev server's Web UI (loopback, no header setting); in production there is no such endpoint.
 */
export async function startCodecServer(config: Readonly<Config>, log: Logger): Promise<{ url: string; uiEndpoint?: string; stop(): Promise<void> }> {
  const { port, token, allowedOrigins } = config.codecServer;
  if (!token) throw new Error('CODEC_AUTH_TOKEN is required to run the codec server');
  if (config.payloadKeys.length === 0) throw new Error('PAYLOAD_CODEC_KEYS is required to run the codec server');
  const tokenInPath = config.environment !== 'production';
  const app = await buildCodecServer({ keys: config.payloadKeys, token, allowedOrigins, logger: log, tokenInPath });
  await app.listen({ host: config.http.host, port });
  const url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
  return { url, ...(tokenInPath ? { uiEndpoint: `${url}/t/${token}` } : {}), stop: () => app.close() };
}

if (require.main === module) {
  const config = loadConfigOrExit('worker');
  const log = createLogger(config.logLevel, { process: 'codec' });
  startCodecServer(config, log)
    .then(({ url, stop }) => {
      log.info({ url }, 'codec server listening');
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
    })
    .catch((err) => {
      log.fatal({ err }, 'codec server failed to start');
      process.exitCode = 1;
    });
}
