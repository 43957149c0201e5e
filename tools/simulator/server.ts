/**
 * A local stand-in for Meta's WhatsApp Cloud API and for our SMS gateway, faithful at the HTTP level: the
 * Graph routes our client calls, signed webhooks to our server (with redelivery, and duplicates or disorder
 * on request), a phone page per citizen to tap and type on, and /_sim controls for tests and chaos.
 * This file assembles the parts; the routes live in graph-, sms-, phone- and control-routes.ts.
 */
import multipart from '@fastify/multipart';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { CloudApi } from './cloud-api';
import { controlRoutes } from './control-routes';
import { FaultInjector } from './faults';
import { GraphError } from './graph-error';
import { graphRoutes } from './graph-routes';
import { errorHandler, kindOf, type RouteContext } from './http';
import { MAX_UPLOAD_BYTES, MediaStore } from './media';
import { resolveOptions, type SimulatorOptions } from './options';
import { phoneRoutes } from './phone-routes';
import { Scheduler } from './scheduler';
import { smsRoutes } from './sms-routes';
import { SimulatorState } from './state';
import { WebhookDispatcher } from './webhooks';

// The types a caller of the simulator (tests, benchmarks) works with.
export type { SimulatorOptions } from './options';
export type { ChaosSettings, StatusOrder, SimMessageView, OutboundRecord, InboundRecord, SmsRecord, Conversation } from './state';
export type { FaultRule } from './faults';
export type { CitizenAction } from './citizen';
export type { WebhookDelivery, WebhookRetryOptions } from './webhooks';
export type { WebhookBatching } from './webhook-batch';
export { SimulatorState } from './state';

/** A built (not yet listening) simulator. */
export interface Simulator {
  app: FastifyInstance;
  state: SimulatorState;
  /** Stops status timers and webhook retries, then the server. */
  close(): Promise<void>;
}

/** Builds the simulator; call `app.listen()` to serve it. */
export async function buildSimulator(options: SimulatorOptions): Promise<Simulator> {
  const o = resolveOptions(options);
  const scheduler = new Scheduler();
  const media = new MediaStore(o.mediaMaxBytes);
  const faults = new FaultInjector(o.random);
  const webhooks = new WebhookDispatcher({
    url: o.webhookUrl,
    appSecret: o.appSecret,
    retry: o.webhookRetry,
    concurrency: o.webhookConcurrency,
    logLimit: o.deliveryLogLimit,
    scheduler,
    logger: o.logger.child({ component: 'webhooks' }),
    // Called only once webhooks flow, by which time `state` exists.
    duplicate: (): boolean => state.chaos.duplicateWebhooks,
    batching: () => state.chaos.batchWebhooks || undefined,
  });
  const state: SimulatorState = new SimulatorState(media, faults, webhooks.log, o.chaos);
  const cloud = new CloudApi(o, state, webhooks, scheduler, o.logger.child({ component: 'cloud-api' }));
  const app = await createApp({ o, state, cloud, webhooks, scheduler });
  let closing: Promise<void> | undefined;
  return {
    app,
    state,
    close() {
      closing ??= (async () => {
        scheduler.close();
        webhooks.close();
        await app.close();
      })();
      return closing;
    },
  };
}

async function createApp(parts: RouteContext): Promise<FastifyInstance> {
  const { o } = parts;
  // No request logging: URLs carry phone numbers (/phone/+91…, ?to=). Handlers log wamids and codes.
  const app = Fastify({
    // Typed as Fastify's base logger so the simulator is a plain FastifyInstance for its callers.
    loggerInstance: o.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 4 * 1024 * 1024,
    forceCloseConnections: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => {
    if (kindOf(req.url) !== 'graph') return reply.code(404).send({ error: 'not_found', message: 'no such route' });
    const err = new GraphError(100, `Unknown path components: ${req.url.split('?')[0]}`);
    return reply.code(err.http).send(err.toResponse());
  });
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10 }, throwFileSizeLimit: true });
  const api = app.withTypeProvider<ZodTypeProvider>();
  graphRoutes(api, parts);
  smsRoutes(api, parts);
  phoneRoutes(api, parts);
  controlRoutes(api, parts);
  return app;
}
