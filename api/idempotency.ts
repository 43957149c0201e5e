/**
 * Idempotency-Key on every POST under /v1: the first answer to a key is stored (db/repositories/idempotency-keys.ts)
 * and returned to every repeat of the same request, marked `idempotent-replayed: true`; the same key with another
 * request is refused (422), and a repeat while the first still runs gets 409. The request's fingerprint is the
 * SHA-256 of its method, path and canonical validated body. A 5xx is not kept: the key is released for a retry.
 * Requests without the header work as before (a closure is idempotent by grievance and cycle anyway).
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { z } from 'zod';
import { canonical } from '../client/fingerprint';
import { API_VERSION_PREFIX, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from '../contracts/api';
import type { IdempotencyKeyRepository } from '../db/repositories/idempotency-keys';
import { HttpProblem, type ApiInstance } from './problems';

/** What the hooks need of the repository. */
export type IdempotencyStore = Pick<IdempotencyKeyRepository, 'claim' | 'complete' | 'release'>;

/** The header every /v1 POST declares in its schema (loose: the other headers pass through untouched). */
export const IdempotencyHeaders = z.looseObject({
  [IDEMPOTENCY_KEY_HEADER]: z
    .string()
    .regex(/^[\x21-\x7E]{1,255}$/, 'must be 1-255 visible ASCII characters')
    .optional()
    .describe('Makes the POST safe to repeat: a UUID per logical request. Kept at least 24 hours'),
});

/** The requests that hold a claimed key, and the key. */
const claims = new WeakMap<FastifyRequest, { route: string; key: string }>();

const fingerprint = (req: FastifyRequest) => createHash('sha256').update(canonical({ method: req.method, url: req.url, body: req.body ?? null })).digest('hex');

function needsKey(route: RouteOptions): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return methods.includes('POST') && route.url.startsWith(`${API_VERSION_PREFIX}/`);
}

/**
 * Adds the idempotency hooks to every POST under /v1 registered after this call, and refuses (at boot) such a
 * route without the header in its schema: the header is part of its documented contract.
 */
export function useIdempotencyKeys(app: ApiInstance, store: IdempotencyStore): void {
  const claim = async (req: FastifyRequest, reply: FastifyReply) => {
    const key = req.headers[IDEMPOTENCY_KEY_HEADER];
    if (typeof key !== 'string') return;
    const route = `${req.method} ${req.routeOptions.url}`;
    const found = await store.claim({ route, key, requestSha256: fingerprint(req) });
    if (found.outcome === 'claimed') return void claims.set(req, { route, key });
    if (found.outcome === 'reused') throw reused();
    if (found.outcome === 'in-flight') throw new HttpProblem(409, 'idempotency_key_in_use', 'the first request with this Idempotency-Key is still in progress; retry in a few seconds');
    return reply.code(found.answer.statusCode).header(IDEMPOTENT_REPLAYED_HEADER, 'true').type(found.answer.contentType).send(found.answer.body);
  };
  const keep = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claimed = claims.get(req);
    if (!claimed) return payload;
    claims.delete(req);
    if (reply.statusCode >= 500) await store.release(claimed);
    else await store.complete(claimed, { statusCode: reply.statusCode, contentType: String(reply.getHeader('content-type') ?? 'application/json'), body: String(payload) });
    return payload;
  };
  app.addHook('onRoute', (route) => {
    if (!needsKey(route)) return;
    const headers = (route.schema?.headers as z.ZodObject | undefined)?.shape;
    if (!headers?.[IDEMPOTENCY_KEY_HEADER]) throw new Error(`${route.url}: a POST under ${API_VERSION_PREFIX} must declare the Idempotency-Key header (IdempotencyHeaders)`);
    route.preHandler = [...toArray(route.preHandler), claim];
    route.onSend = [...toArray(route.onSend), keep];
  });
}

function reused(): HttpProblem {
  const message = 'was used before with a different request; use a new key for a new request';
  return new HttpProblem(422, 'idempotency_key_reused', `the Idempotency-Key ${message}`, { fields: [{ field: 'Idempotency-Key', message }] });
}

const toArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
