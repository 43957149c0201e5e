/**
 * What the simulator's route files share: the typed Fastify instance and the parts routes call, bearer
 * authentication, injected delays, and one error handler that answers in each family's own envelope
 * (Graph errors for the Graph API, the gateway's for SMS, plain JSON for /_sim and the phone).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { CitizenActionError } from './citizen';
import type { CloudApi } from './cloud-api';
import { GraphError } from './graph-error';
import type { ResolvedOptions } from './options';
import type { Scheduler } from './scheduler';
import type { SimulatorState } from './state';
import type { WebhookDispatcher } from './webhooks';

/** The simulator's Fastify instance with zod schemas typing the handlers. */
export type SimApi = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** What the routes work with. */
export interface RouteContext {
  o: ResolvedOptions;
  state: SimulatorState;
  cloud: CloudApi;
  webhooks: WebhookDispatcher;
  scheduler: Scheduler;
}

/** An SMS gateway error answer. */
export class SmsError extends Error {
  constructor(
    readonly http: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `Authorization: Bearer <token>`, compared in constant time. */
export function bearerGuard(token: string, error: () => Error) {
  const expected = createHash('sha256').update(token).digest();
  return async (req: FastifyRequest) => {
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (given === undefined || !timingSafeEqual(createHash('sha256').update(given).digest(), expected)) throw error();
  };
}

/** An injected fault's delay; a request still waiting when the simulator closes answers 503. */
export async function faultDelay(scheduler: Scheduler, ms: number): Promise<void> {
  await scheduler.sleep(ms);
  if (scheduler.isClosed) throw new GraphError(2, 'The simulator is shutting down.');
}

/** Which family a URL belongs to, for error envelopes. */
export function kindOf(url: string): 'graph' | 'sms' | 'sim' {
  if (url.startsWith('/sms/')) return 'sms';
  if (url.startsWith('/_sim') || url.startsWith('/phone')) return 'sim';
  return 'graph';
}

/** Every error, in the envelope of the family its URL belongs to. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof GraphError) return reply.code(err.http).send(err.toResponse());
  if (err instanceof SmsError) return reply.code(err.http).send({ error: { code: err.code, message: err.message } });
  if (err instanceof CitizenActionError) return reply.code(400).send({ error: 'bad_request', message: err.message });
  const status = err.statusCode ?? 500;
  const message = hasZodFastifySchemaValidationErrors(err)
    ? err.validation.map((v) => `${v.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'body'}: ${v.message ?? 'is invalid'}`).join('; ')
    : status < 500
      ? err.message
      : 'internal error';
  if (status >= 500) req.log.error({ err, route: req.routeOptions.url }, 'request failed');
  switch (kindOf(req.url)) {
    case 'graph': {
      const graph = status >= 500 ? new GraphError(1, 'An unknown error occurred.', 500) : new GraphError(100, `Param ${message}`, status === 413 ? 413 : 400);
      return reply.code(graph.http).send(graph.toResponse());
    }
    case 'sms':
      return reply.code(status >= 500 ? 500 : 400).send({ error: { code: status >= 500 ? 'unavailable' : 'bad_request', message } });
    default:
      return reply.code(status).send({ error: status < 500 ? 'bad_request' : 'internal_error', message, ...(status >= 500 ? { requestId: req.id } : {}) });
  }
}
