/**
 * The HTTP API for portal backends not written in TypeScript. Thin: every route validates with the
 * shared zod schemas and hands over to AtrClient; one error handler maps errors to statuses and hides
 * the details of a 5xx.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AtrClient, ClosureConflictError, FeedbackClosedError, GrievanceNotFoundError, ValidationError } from '../client';
import { ClosureSchema, FeedbackRequestSchema, GrievanceIdSchema, toFieldErrors } from '../contracts/closure';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Pool } from 'pg';
import type { Store } from '../activities/ports';
import { whatsappWebhook } from '../messaging/whatsapp/webhook';
import type { ApiMetrics } from './metrics';
import { atrLinkRoutes, type AtrLinkOptions } from './atr-links';
import { limited, noStore, securityHeaders } from './public-guards';
import type { Logger } from '../lib/log';
import type { AtrSealer } from '../pdf/seal';
import { SealQuery, verificationPage, verifySeal } from './verify';

/** A dependency the health check probes. */
export type HealthCheck = () => Promise<unknown>;

/** What the API needs. */
export interface ApiOptions {
  atr: AtrClient;
  apiKey: string;
  logger: Logger;
  health: Record<string, HealthCheck>;
  /** ATR verification (the QR code's link); without it those routes answer 404. */
  verification?: { sealer: AtrSealer; store: Pick<Store, 'getAtrSeal' | 'getAtr'> };
  /** The WhatsApp webhook (signed inbox); without it the route answers 404. */
  whatsapp?: { appSecret: string; verifyToken: string; pool: Pool; onStored?: () => void };
  /** The ATR pages the SMS fallback links to, and their single-use form nonces. */
  atrLinks?: Omit<AtrLinkOptions, 'atr'>;
  /** Prometheus metrics: this API counts into them; api/metrics.ts serves them on the internal listener, not here. */
  metrics?: ApiMetrics;
  /** The public URL is https: browsers are told to keep to TLS (HSTS). */
  hsts?: boolean;
}

const HEALTH_TIMEOUT_MS = 2_000;

/** Builds the API (not listening yet). */
export async function buildApi({ atr, apiKey, logger, health, verification, whatsapp, atrLinks, metrics, hsts = false }: ApiOptions) {
  const app = Fastify({ loggerInstance: logger, bodyLimit: 1024 * 1024, requestTimeout: 30_000 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  const api = app.withTypeProvider<ZodTypeProvider>();
  const requireKey = apiKeyGuard(apiKey);
  // Rate limits are per route (public-guards.ts), nothing global: the API-key routes have none.
  await app.register(rateLimit, { global: false });
  await app.register(helmet, securityHeaders({ hsts }));

  if (metrics) {
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
  }

  api.get('/healthz', { schema: { response: { 200: HealthSchema, 503: HealthSchema } }, onRequest: limited(app, 'health') }, async (_req, reply) => {
    const checks = await runHealthChecks(health);
    const ok = Object.values(checks).every((c) => c === 'ok');
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks });
  });

  api.post('/v1/closures', { schema: { body: ClosureSchema }, onRequest: requireKey }, async (req, reply) => {
    const { workflowId, duplicate } = await atr.startClosure(req.body);
    // 200: this very closure was taken before (nothing new started); 202: its workflow starts now.
    return reply.code(duplicate ? 200 : 202).send({ workflowId, duplicate, status: `/v1/grievances/${req.body.grievanceId}` });
  });

  api.get('/v1/grievances/:grievanceId', { schema: { params: GrievanceParams }, onRequest: requireKey }, async (req) => {
    return atr.getStatus(req.params.grievanceId);
  });

  api.post(
    '/v1/grievances/:grievanceId/feedback',
    { schema: { params: GrievanceParams, querystring: CycleQuery, body: FeedbackRequestSchema }, onRequest: requireKey },
    async (req, reply) => {
      const accepted = await atr.submitFeedback(req.params.grievanceId, req.body, req.query.cycle);
      return reply.code(202).send(accepted);
    },
  );

  if (verification) {
    const { sealer, store } = verification;
    // Public, no API key: whoever holds the ATR scans its QR code. The signed URL fetches the PDF: a capability.
    const verify = { schema: { querystring: SealQuery }, onRequest: [noStore, limited(app, 'verify')] };
    api.get('/v1/atr/verify', verify, async (req, reply) => {
      const result = await verifySeal(sealer, store, req.query);
      if (!req.headers.accept?.includes('text/html')) return result;
      return reply.type('text/html; charset=utf-8').send(verificationPage(result, req.url.replace('/v1/atr/verify', '/v1/atr/document')));
    });

    api.get('/v1/atr/document', verify, async (req, reply) => {
      const result = await verifySeal(sealer, store, req.query);
      const doc = result.genuine && result.matches ? await store.getAtr(req.query.atr) : null;
      if (!doc) return reply.code(404).send({ error: 'not_found', message: result.message });
      return reply.type('application/pdf').header('content-disposition', `inline; filename="ATR-${req.query.g}.pdf"`).send(Buffer.from(doc.bytes));
    });
  }

  if (whatsapp) await app.register(whatsappWebhook, { ...whatsapp, ...(metrics ? { metrics } : {}) });
  if (atrLinks) await app.register(atrLinkRoutes, { atr, ...atrLinks });

  return app;
}

const GrievanceParams = z.object({ grievanceId: GrievanceIdSchema });
const CycleQuery = z.object({ cycle: z.coerce.number().int().min(1).max(99).optional() }).strict();
const HealthSchema = z.object({ status: z.enum(['ok', 'degraded']), checks: z.record(z.string(), z.string()) });

async function runHealthChecks(health: Record<string, HealthCheck>): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(health).map(async ([name, check]) => {
      try {
        await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), HEALTH_TIMEOUT_MS).unref())]);
        return [name, 'ok'] as const;
      } catch {
        return [name, 'unavailable'] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

/** Accepts `Authorization: Bearer <key>` or `X-API-Key: <key>`, compared in constant time. */
function apiKeyGuard(apiKey: string) {
  const expected = createHash('sha256').update(apiKey).digest();
  return async (req: FastifyRequest) => {
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7) : req.headers['x-api-key'];
    const digest = createHash('sha256').update(typeof given === 'string' ? given : '').digest();
    if (typeof given !== 'string' || !timingSafeEqual(digest, expected)) {
      throw Object.assign(new Error('missing or wrong API key'), { statusCode: 401 });
    }
  };
}

function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const fields = toFieldErrors({
      issues: err.validation.map((v) => ({ path: v.instancePath.split('/').filter(Boolean), code: v.keyword, message: v.message ?? 'is invalid' })),
    });
    return reply.code(400).send({ error: 'validation_failed', message: 'the request has invalid fields', fields });
  }
  if (err instanceof ValidationError) return reply.code(400).send({ error: 'validation_failed', message: err.message, fields: err.fields });
  if (err instanceof GrievanceNotFoundError) return reply.code(404).send({ error: 'not_found', message: err.message });
  if (err instanceof FeedbackClosedError) return reply.code(409).send({ error: 'feedback_closed', message: err.message });
  if (err instanceof ClosureConflictError) return reply.code(409).send({ error: 'closure_conflict', message: err.message, workflowId: err.workflowId, fields: err.fields });
  const status = err.statusCode ?? 500;
  if (status < 500) return reply.code(status).send({ error: err.code ?? 'bad_request', message: err.message });
  req.log.error({ err }, 'request failed');
  return reply.code(status).send({ error: 'internal_error', message: 'something went wrong; the request id identifies it in our logs', requestId: req.id });
}
