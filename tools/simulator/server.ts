/**
 * A local stand-in for Meta's WhatsApp Cloud API and for our SMS gateway, faithful at the HTTP level: the
 * Graph routes our client calls, signed webhooks to our server (with redelivery, and duplicates or disorder
 * on request), a phone page per citizen to tap and type on, and /_sim controls for tests and chaos.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import multipart from '@fastify/multipart';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CitizenActionError, CloudApi } from './cloud-api';
import { FaultInjector, FaultRulesBody, faultGraphError } from './faults';
import { GraphError, unknownObject } from './graph-error';
import { numberKey } from './ids';
import { MAX_UPLOAD_BYTES, MediaStore } from './media';
import { resolveOptions, type ResolvedOptions, type SimulatorOptions } from './options';
import { renderPhonePage } from './phone-page';
import { Scheduler } from './scheduler';
import { SmsBodySchema, acceptSms } from './sms';
import { SimulatorState } from './state';
import { WebhookDispatcher, verifyWebhook } from './webhooks';

// The types a caller of the simulator (tests, benchmarks) works with.
export type { SimulatorOptions } from './options';
export type { ChaosSettings, StatusOrder, SimMessageView, OutboundRecord, InboundRecord, SmsRecord, Conversation } from './state';
export type { FaultRule } from './faults';
export type { CitizenAction } from './cloud-api';
export type { WebhookDelivery, WebhookRetryOptions } from './webhooks';
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
  });
  const state: SimulatorState = new SimulatorState(media, faults, webhooks.log, o.chaos);
  const cloud = new CloudApi(o, state, webhooks, scheduler, o.logger.child({ component: 'cloud-api' }));
  const app = await createApp(o, { state, cloud, webhooks, scheduler });
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

interface Parts {
  state: SimulatorState;
  cloud: CloudApi;
  webhooks: WebhookDispatcher;
  scheduler: Scheduler;
}

async function createApp(o: ResolvedOptions, { state, cloud, webhooks, scheduler }: Parts): Promise<FastifyInstance> {
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
  const graphAuth = bearerGuard(o.accessToken, () => new GraphError(190, 'Invalid OAuth access token - Cannot parse access token'));
  const smsAuth = bearerGuard(o.smsToken, () => new SmsError(401, 'unauthorized', 'missing or wrong bearer token'));
  const ownNumber = (id: string) => {
    if (id !== o.phoneNumberId) throw unknownObject(id, 'post');
  };
  const baseUrl = (req: FastifyRequest) => o.publicUrl ?? `${req.protocol}://${req.host}`;
  /** An injected fault's delay; a request still waiting when the simulator closes answers 503. */
  const delay = async (ms: number) => {
    await scheduler.sleep(ms);
    if (scheduler.isClosed) throw new GraphError(2, 'The simulator is shutting down.');
  };

  // ---- Graph API -----------------------------------------------------------------------------------

  api.post('/:version/:phoneNumberId/media', { schema: { params: GraphParams.extend({ phoneNumberId: z.string() }) }, onRequest: graphAuth }, async (req) => {
    ownNumber(req.params.phoneNumberId);
    const fields = await readUpload(req);
    const fault = state.faults.take('media', undefined);
    if (fault) await delay(fault.delayMs);
    if (fault && (fault.code !== undefined || fault.http !== undefined)) throw faultGraphError(fault);
    return cloud.upload(fields);
  });

  api.post(
    '/:version/:phoneNumberId/messages',
    { schema: { params: GraphParams.extend({ phoneNumberId: z.string() }), body: z.record(z.string(), z.unknown()) }, onRequest: graphAuth },
    async (req, reply) => {
      ownNumber(req.params.phoneNumberId);
      const fault = state.faults.take('messages', typeof req.body.to === 'string' ? req.body.to : undefined);
      if (fault) await delay(fault.delayMs);
      const result = cloud.send(req.body, fault);
      return reply.code(result.http).send(result.body);
    },
  );

  api.get('/:version/:mediaId', { schema: { params: GraphParams.extend({ mediaId: z.string() }), querystring: z.looseObject({ phone_number_id: z.string().optional() }) }, onRequest: graphAuth }, async (req) =>
    cloud.mediaInfo(req.params.mediaId, baseUrl(req)),
  );

  api.delete('/:version/:mediaId', { schema: { params: GraphParams.extend({ mediaId: z.string() }) }, onRequest: graphAuth }, async (req) => cloud.deleteMedia(req.params.mediaId));

  // The media URL from GET /{media-id}: bearer token required, valid 5 minutes (Meta: 404 once expired).
  api.get('/lookaside/whatsapp_business/attachments/', { schema: { querystring: z.object({ mid: z.string(), ext: z.string(), hash: z.string() }) }, onRequest: graphAuth }, async (req, reply) => {
    const media = cloud.download(req.query.mid, req.query.ext, req.query.hash);
    if (!media) throw new GraphError(100, 'The media URL has expired or the media no longer exists; fetch a new URL with GET /{media-id}.', 404);
    return reply.type(media.mimeType).send(media.bytes);
  });

  // ---- SMS gateway ---------------------------------------------------------------------------------

  api.post('/sms/v1/messages', { schema: { body: SmsBodySchema }, onRequest: smsAuth }, async (req, reply) => {
    const fault = state.faults.take('sms', req.body.to);
    if (fault) await delay(fault.delayMs);
    const result = acceptSms(state, req.body, o.now(), fault);
    if (result.http === 202) req.log.debug({ sms: (result.body as { id: string }).id }, 'sms accepted');
    return reply.code(result.http).send(result.body);
  });

  // ---- The citizen's phone -------------------------------------------------------------------------

  api.get('/phone/:number', { schema: { params: NumberParams } }, async (req, reply) => {
    const waId = numberKey(req.params.number, o.countryCode);
    // Opening the chat reads what has arrived, as WhatsApp does with read receipts on.
    cloud.openChat(waId);
    const page = renderPhonePage({ number: waId, conversation: state.conversations.get(waId), businessName: o.businessName, undeliverable: cloud.isUndeliverable(waId) });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
  });

  api.get('/phone/media/:mediaId', { schema: { params: z.object({ mediaId: z.string() }) } }, async (req, reply) => {
    const media = cloud.liveMedia(req.params.mediaId);
    if (!media?.bytes) return reply.code(404).send({ error: 'not_found', message: 'media unknown, expired or evicted from the simulator store' });
    const name = media.filename ?? `${media.id}.${media.mimeType === 'application/pdf' ? 'pdf' : 'bin'}`;
    return reply.type(media.mimeType).header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(name)}`).send(media.bytes);
  });

  api.get('/phone/fonts/:face', { schema: { params: z.object({ face: z.enum(['regular', 'bold']) }) } }, async (req, reply) => {
    const font = await loadFont(req.params.face);
    if (!font) return reply.code(404).send({ error: 'not_found', message: 'font package not installed' });
    return reply.type('font/ttf').header('cache-control', 'public, max-age=86400').send(font);
  });

  api.get('/_sim/phone/:number/version', { schema: { params: NumberParams } }, async (req) => ({ version: state.conversations.get(numberKey(req.params.number, o.countryCode))?.version ?? 0 }));

  // ---- Controls ------------------------------------------------------------------------------------

  api.get('/_sim/healthz', { schema: {} }, async () => ({ status: 'ok' }));

  api.get('/_sim/messages', { schema: { querystring: ToQuery } }, async (req) => state.messagesFor(req.query.to));

  api.get('/_sim/sms', { schema: { querystring: ToQuery } }, async (req) =>
    state.smsFor(req.query.to).map((s) => ({ id: s.id, to: s.to, sender: s.sender, text: s.text, reference: s.reference, receivedAt: s.receivedAt })),
  );

  api.post('/_sim/inbound', { schema: { body: CitizenActionSchema } }, async (req) => {
    const record = cloud.inbound(req.body);
    return { wamid: record.wamid, message: record.message };
  });

  api.post('/_sim/read', { schema: { body: z.strictObject({ to: z.string().min(1) }) } }, async (req) => {
    cloud.openChat(req.body.to);
    return { ok: true };
  });

  api.get('/_sim/faults', { schema: {} }, async () => ({ rules: state.faults.rules() }));
  api.post('/_sim/faults', { schema: { body: FaultRulesBody } }, async (req) => {
    state.faults.set(req.body.rules);
    req.log.info({ rules: req.body.rules.length }, 'fault rules set');
    return { rules: state.faults.rules() };
  });
  api.delete('/_sim/faults', { schema: {} }, async () => {
    state.faults.clear();
    return { rules: [] };
  });

  api.get('/_sim/chaos', { schema: {} }, async () => state.chaos);
  api.post('/_sim/chaos', { schema: { body: ChaosBody } }, async (req) => {
    state.chaos = { ...state.chaos, ...req.body };
    return state.chaos;
  });

  api.post('/_sim/undeliverable', { schema: { body: UndeliverableBody } }, async (req) => {
    for (const n of req.body.add ?? []) state.undeliverable.add(numberKey(n, o.countryCode));
    for (const n of req.body.remove ?? []) state.undeliverable.delete(numberKey(n, o.countryCode));
    return { count: state.undeliverable.size };
  });

  api.get('/_sim/webhooks', { schema: { querystring: z.object({ wamid: z.string().optional() }) } }, async (req) =>
    req.query.wamid ? webhooks.log.filter((d) => d.wamids.includes(req.query.wamid!)) : webhooks.log,
  );

  // Meta's subscription handshake, on demand: GET webhookUrl?hub.mode=subscribe&hub.verify_token&hub.challenge.
  api.post('/_sim/verify-webhook', { schema: { body: z.strictObject({ verifyToken: z.string().min(1) }) } }, async (req) => {
    if (!o.webhookUrl) return { ok: false, error: 'no webhookUrl configured' };
    return verifyWebhook(o.webhookUrl, req.body.verifyToken, o.webhookRetry.timeoutMs);
  });

  api.get('/_sim/stats', { schema: {} }, async () => ({ ...state.stats(), timersPending: scheduler.pending }));

  api.post('/_sim/reset', { schema: {} }, async (req) => {
    scheduler.cancel();
    webhooks.cancel();
    webhooks.clearLog();
    state.reset();
    req.log.info('simulator reset');
    return { ok: true };
  });

  return app;
}

// ---------------------------------------------------------------------------------------------------
// Schemas

const GraphParams = z.object({ version: z.string().regex(/^v\d+\.\d+$/, 'must be an API version like v25.0') });
const NumberParams = z.object({ number: z.string().regex(/^\+?\d{8,15}$/, 'must be a phone number in E.164') });
const ToQuery = z.object({ to: z.string().min(1) });

const CitizenActionSchema = z.strictObject({
  from: z.string().min(1),
  type: z.enum(['button', 'text', 'list_reply', 'button_reply', 'audio']),
  contextWamid: z.string().min(1).optional(),
  payload: z.string().optional(),
  text: z.string().max(4096).optional(),
  id: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  index: z.number().int().min(0).max(9).optional(),
  name: z.string().min(1).max(100).optional(),
});

const ChaosBody = z.strictObject({
  duplicateWebhooks: z.boolean().optional(),
  statusOrder: z.enum(['in-order', 'read-before-delivered', 'delivered-omitted']).optional(),
});

const UndeliverableBody = z.strictObject({ add: z.array(z.string()).optional(), remove: z.array(z.string()).optional() });

// ---------------------------------------------------------------------------------------------------
// Helpers

/** An SMS gateway error answer. */
class SmsError extends Error {
  constructor(
    readonly http: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `Authorization: Bearer <token>`, compared in constant time. */
function bearerGuard(token: string, error: () => Error) {
  const expected = createHash('sha256').update(token).digest();
  return async (req: FastifyRequest) => {
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (given === undefined || !timingSafeEqual(createHash('sha256').update(given).digest(), expected)) throw error();
  };
}

/** The multipart fields of a media upload. */
async function readUpload(req: FastifyRequest) {
  if (!req.isMultipart()) throw new GraphError(100, 'The request must be multipart/form-data with the fields messaging_product, type and file.');
  const fields: { messagingProduct?: string; type?: string; file?: { bytes: Buffer; mimetype?: string; filename?: string } } = {};
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname === 'file') fields.file = { bytes: await part.toBuffer(), mimetype: part.mimetype, filename: part.filename };
        else await part.toBuffer();
      } else if (part.fieldname === 'messaging_product') fields.messagingProduct = String(part.value);
      else if (part.fieldname === 'type') fields.type = String(part.value);
    }
  } catch (err) {
    if ((err as FastifyError).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new GraphError(131053, `Media upload error: the file exceeds the ${MAX_UPLOAD_BYTES} byte limit.`);
    }
    throw err;
  }
  return fields;
}

const fonts = new Map<string, Promise<Buffer | undefined>>();

function loadFont(face: 'regular' | 'bold'): Promise<Buffer | undefined> {
  let font = fonts.get(face);
  if (!font) {
    const file = face === 'regular' ? '400Regular/NotoSansDevanagari_400Regular.ttf' : '700Bold/NotoSansDevanagari_700Bold.ttf';
    font = (async () => {
      try {
        return await readFile(path.join(path.dirname(require.resolve('@expo-google-fonts/noto-sans-devanagari/package.json')), file));
      } catch {
        return undefined;
      }
    })();
    fonts.set(face, font);
  }
  return font;
}

/** Which family a URL belongs to, for error envelopes. */
function kindOf(url: string): 'graph' | 'sms' | 'sim' {
  if (url.startsWith('/sms/')) return 'sms';
  if (url.startsWith('/_sim') || url.startsWith('/phone')) return 'sim';
  return 'graph';
}

function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
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
