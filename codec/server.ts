/**
 * The codec server for humans: the Temporal Web UI and CLI send it encrypted payloads (`POST /decode`) and
 * show what comes back, so an ops engineer with access sees a grievance's data and nobody else does.
 * Contract (Temporal docs, data encryption): JSON `{payloads: [{metadata: {k: base64}, data: base64}]}` in and
 * out, `X-Namespace` header. Access: the bearer token in the Authorization header (`--codec-auth "Bearer …"`
 * for the CLI). A token in a URL ends up in browser history, proxy and access logs, so the path form
 * (`/t/<token>/decode`) exists only with `tokenInPath`, which only `npm start` sets: its dev server's UI sends
 * no header and listens on loopback. CORS only for the UI's own origin.
 */
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import type { Logger } from '../lib/log';
import type { CodecKey } from '../config/codec-keys';
import { AesGcmCodec } from './aes-gcm';

/** Codec server settings. */
export interface CodecServerOptions {
  keys: readonly CodecKey[];
  token: string;
  /** Origins allowed to call from a browser (the Temporal UI). */
  allowedOrigins: string[];
  logger: Logger;
  /** Laptop only (`npm start`): also accept the token as the first path segment. Never in a deployment. */
  tokenInPath?: boolean;
}

const Body = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })).max(10_000),
});

const fromJson = (p: z.infer<typeof Body>['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** Builds the codec server (not listening yet). */
export async function buildCodecServer({ keys, token, allowedOrigins, logger, tokenInPath = false }: CodecServerOptions) {
  const app = Fastify({ loggerInstance: logger, bodyLimit: 16 * 1024 * 1024 });
  const codec = new AesGcmCodec(keys);
  const expected = Buffer.from(token);
  const authorized = (given: string | undefined) => {
    const g = Buffer.from(given ?? '');
    return g.length === expected.length && timingSafeEqual(g, expected);
  };

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const origin = req.headers.origin;
    if (origin && allowedOrigins.includes(origin)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
      reply.header('access-control-allow-methods', 'POST, GET, OPTIONS');
      reply.header('access-control-allow-headers', 'X-Namespace, Content-Type, Authorization');
      reply.header('access-control-allow-credentials', 'true');
    }
    if (req.method === 'OPTIONS') return reply.code(204).send();
  });

  const handle = (op: 'encode' | 'decode') => async (req: FastifyRequest, reply: FastifyReply) => {
    const pathToken = (req.params as { token?: string }).token;
    const header = req.headers.authorization;
    if (!authorized(pathToken ?? (header?.startsWith('Bearer ') ? header.slice(7) : undefined))) {
      return reply.code(401).send({ error: 'unauthorized', message: 'a valid codec token is required' });
    }
    const body = Body.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ error: 'bad_request', message: 'expected {payloads: [{metadata, data}]}' });
    try {
      const out = await codec[op](body.data.payloads.map(fromJson));
      return { payloads: out.map(toJson) };
    } catch (err) {
      req.log.warn({ err: (err as Error).message, op }, 'codec refused payloads');
      return reply.code(400).send({ error: 'codec_failed', message: (err as Error).message });
    }
  };
  for (const op of ['encode', 'decode'] as const) {
    app.post(`/${op}`, handle(op));
    if (tokenInPath) app.post(`/t/:token/${op}`, handle(op));
  }
  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
