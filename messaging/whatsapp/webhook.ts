/**
 * GET and POST /webhooks/whatsapp. GET answers Meta's verification handshake. POST checks
 * X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret, compared in constant time),
 * stores the payload in the inbox, and only then answers 200; the relay does the rest asynchronously,
 * as Meta asks (answer fast, process later).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../../contracts/api';
import { storeWebhook } from './inbox';

/** Webhook settings. */
export interface WebhookOptions {
  appSecret: string;
  verifyToken: string;
  pool: Pool;
  /** Called after a webhook is stored, to wake the relay. */
  onStored?: () => void;
  metrics?: { webhooks: { inc(labels: { result: string }): void } };
}

/** Meta sends payloads up to 3 MB; leave room for headers and batching. */
const BODY_LIMIT = 4 * 1024 * 1024;

/** Whether `header` is `sha256=<hex>` of the raw body under `secret`. */
export function validSignature(raw: Buffer, header: string | undefined, secret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice(7), 'hex');
  const expected = createHmac('sha256', secret).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const VerifyQuery = z.object({
  'hub.mode': z.string().optional(),
  'hub.verify_token': z.string().optional(),
  'hub.challenge': z.string().max(200).optional(),
});
const SignatureHeaders = z.object({ 'x-hub-signature-256': z.string().optional() }).passthrough();

/** The answers, for the API's OpenAPI document (errors in its problem shape, through the API's error handler). */
const text = (description: string) => ({ description, content: { 'text/plain': { schema: z.string() } } });
const problem = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } });
const VERIFY_RESPONSES = { 200: text('The challenge, echoed'), 400: problem('`validation_failed`'), 403: problem('`forbidden`: wrong verify token or mode'), 500: problem('`internal_error`') };
const POST_RESPONSES = { 200: text('EVENT_RECEIVED: stored'), 401: problem('`unauthorized`: missing or invalid X-Hub-Signature-256'), 413: problem('`body_too_large`'), 415: problem('`unsupported_media_type`: Meta sends application/json'), 500: problem('`internal_error`: Meta retries') };
const DOC = { tags: ['meta'], description: "Meta's WhatsApp Cloud API webhook (not for the portal)" };

/** A refusal, answered by the API's error handler in its problem shape. */
const refused = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode });

/** Registers the webhook routes (a plugin: its raw-body parser stays inside it). */
export async function whatsappWebhook(app: FastifyInstance, { appSecret, verifyToken, pool, onStored, metrics }: WebhookOptions): Promise<void> {
  // Only the raw bytes verify: re-serialised JSON would not match Meta's signature. (Replaces the API's parser
  // inside this plugin only.)
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
  const api = app.withTypeProvider<ZodTypeProvider>();
  const expectedToken = Buffer.from(verifyToken);

  api.get('/webhooks/whatsapp', { schema: { ...DOC, summary: "Meta's verification handshake", querystring: VerifyQuery, response: VERIFY_RESPONSES } }, async (req, reply) => {
    const token = Buffer.from(req.query['hub.verify_token'] ?? '');
    const ok = req.query['hub.mode'] === 'subscribe' && token.length === expectedToken.length && timingSafeEqual(token, expectedToken);
    if (!ok || !req.query['hub.challenge']) throw refused(403, 'verification failed');
    return reply.type('text/plain').send(req.query['hub.challenge']);
  });

  const postDoc = { ...DOC, summary: 'Messages and statuses from WhatsApp, signed', headers: SignatureHeaders, response: POST_RESPONSES };
  api.post('/webhooks/whatsapp', { schema: postDoc, bodyLimit: BODY_LIMIT }, async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!validSignature(raw, req.headers['x-hub-signature-256'], appSecret)) {
      metrics?.webhooks.inc({ result: 'bad_signature' });
      throw refused(401, 'missing or invalid X-Hub-Signature-256');
    }
    const stored = await storeWebhook(pool, raw);
    req.log.info({ eventId: stored.eventId, messages: stored.messages, statuses: stored.statuses, duplicates: stored.duplicates, malformed: stored.malformed }, 'webhook stored');
    metrics?.webhooks.inc({ result: stored.malformed ? 'malformed' : 'stored' });
    onStored?.();
    return reply.type('text/plain').send('EVENT_RECEIVED');
  });
}
