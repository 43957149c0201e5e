/**
 * The HTTP API for portal backends not written in TypeScript. Thin: every route validates with the
 * shared zod schemas, documents every answer it can give (api/openapi.ts, served at /openapi.json and /docs),
 * and hands over to AtrClient; one error handler answers every error as a problem (api/problems.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AtrClient } from '../client';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Pool } from 'pg';
import type { Store } from '../activities/ports';
import { whatsappWebhook } from '../messaging/whatsapp/webhook';
import type { ApiMetrics } from './metrics';
import { atrLinkRoutes, type AtrLinkOptions } from './atr-links';
import type { GrievanceReasons } from './reasons';
import { limited, noStore, securityHeaders } from './public-guards';
import type { Logger } from '../lib/log';
import type { AtrSealer } from '../pdf/seal';
import { SealQuery, VerificationSchema, verificationPage, verifySeal } from './verify';
import { HttpProblem, problemErrorHandler, problemNotFoundHandler, useProblemJsonParser } from './problems';
import { json, pdf, problems, registerOpenApi } from './openapi';
import { useIdempotencyKeys, type IdempotencyStore } from './idempotency';
import { portalRoutes } from './portal-routes';
import { escalationRoutes, type EscalationRouteOptions } from './escalation-routes';
import { officerInbox, type OfficerInboxOptions } from './officer';
import { transparencyRoutes, type TransparencyOptions } from './transparency';

/** A dependency the health check probes. */
export type HealthCheck = () => Promise<unknown>;

/** What the API needs. */
export interface ApiOptions {
  atr: AtrClient;
  apiKey: string;
  /** Where the POSTs' Idempotency-Key answers are kept (db/repositories/idempotency-keys.ts). */
  idempotency: IdempotencyStore;
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
  /** The reasons each grievance's department offers; a feedback giving another is refused (400, field reason). */
  reasons?: GrievanceReasons;
  /** The officers' inbox at /officer (api/officer/); without it those routes answer 404. */
  officerInbox?: OfficerInboxOptions;
  /** The public transparency dashboard (GET /transparency and its open data); without it those routes answer 404. */
  transparency?: TransparencyOptions;
  /** The portal's escalation routes (/v1/escalations); without it those routes answer 404. */
  escalations?: Omit<EscalationRouteOptions, 'requireKey'>;
}

const HEALTH_TIMEOUT_MS = 2_000;

/** Builds the API (not listening yet). */
export async function buildApi({ atr, apiKey, idempotency, logger, health, verification, whatsapp, atrLinks, metrics, hsts = false, reasons, officerInbox: inbox, transparency, escalations }: ApiOptions) {
  const app = Fastify({ loggerInstance: logger, bodyLimit: BODY_LIMIT, requestTimeout: 30_000 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler(problemNotFoundHandler);
  useProblemJsonParser(app);
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Rate limits are per route (public-guards.ts), nothing global: the API-key routes have none.
  await app.register(rateLimit, { global: false });
  await app.register(helmet, securityHeaders({ hsts }));
  await registerOpenApi(app);
  useIdempotencyKeys(app, idempotency);

  if (metrics) {
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
  }

  const healthResponses = { 200: json('Temporal and PostgreSQL answer', HealthSchema), 503: json('A dependency does not answer', HealthSchema), ...problems('rate_limited') };
  api.get('/healthz', { schema: { tags: ['meta'], summary: 'Health of the API and what it depends on', response: healthResponses }, onRequest: limited(app, 'health') }, async (_req, reply) => {
    const checks = await runHealthChecks(health);
    const ok = Object.values(checks).every((c) => c === 'ok');
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks });
  });

  const requireKey = apiKeyGuard(apiKey);
  await app.register(portalRoutes, { atr, requireKey, reasons });
  if (escalations) await app.register(escalationRoutes, { ...escalations, requireKey });

  if (verification) {
    const { sealer, store } = verification;
    // Public, no API key: whoever holds the ATR scans its QR code. The signed URL fetches the PDF: a capability.
    const verifyErrors = problems('validation_failed', 'rate_limited');
    const verifyAnswers = { 200: { description: 'What verification found (JSON), or a page for a phone (Accept: text/html)', content: { 'application/json': { schema: VerificationSchema }, 'text/html': { schema: z.string() } } }, ...verifyErrors };
    const verify = (summary: string, response: object) => ({ schema: { tags: ['public'], summary, querystring: SealQuery, response }, onRequest: [noStore, limited(app, 'verify')] });
    api.get('/v1/atr/verify', verify("Checks an ATR's QR code: is it ours, and does it match the ATR on record", verifyAnswers), async (req, reply) => {
      const result = await verifySeal(sealer, store, req.query);
      if (!req.headers.accept?.includes('text/html')) return result;
      return reply.type('text/html; charset=utf-8').send(verificationPage(result, req.url.replace('/v1/atr/verify', '/v1/atr/document')));
    });

    const documentAnswers = { 200: pdf('The ATR as issued'), ...problems('validation_failed', 'not_found', 'rate_limited') };
    api.get('/v1/atr/document', verify('The original ATR PDF of a genuine, matching QR code', documentAnswers), async (req, reply) => {
      const result = await verifySeal(sealer, store, req.query);
      const doc = result.genuine && result.matches ? await store.getAtr(req.query.atr) : null;
      if (!doc) throw new HttpProblem(404, 'not_found', result.message);
      return reply.type('application/pdf').header('content-disposition', `inline; filename="ATR-${req.query.g}.pdf"`).send(Buffer.from(doc.bytes));
    });
  }

  if (whatsapp) await app.register(whatsappWebhook, { ...whatsapp, ...(metrics ? { metrics } : {}) });
  if (atrLinks) await app.register(atrLinkRoutes, { atr, ...atrLinks });
  if (inbox) await app.register(officerInbox, inbox);
  if (transparency) await app.register(transparencyRoutes, transparency);

  return app;
}

/** The JSON body limit of the API's routes: a closure with a long action-taken text is tens of kilobytes. */
export const BODY_LIMIT = 1024 * 1024;

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
export function apiKeyGuard(apiKey: string) {
  const expected = createHash('sha256').update(apiKey).digest();
  return async (req: FastifyRequest) => {
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7) : req.headers['x-api-key'];
    const digest = createHash('sha256').update(typeof given === 'string' ? given : '').digest();
    if (typeof given !== 'string' || !timingSafeEqual(digest, expected)) {
      throw new HttpProblem(401, 'unauthorized', 'missing or wrong API key: send Authorization: Bearer <key> or X-API-Key: <key>');
    }
  };
}
