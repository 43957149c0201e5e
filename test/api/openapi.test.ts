/**
 * The OpenAPI document as the portal fetches it: valid OpenAPI 3.1, every route in it with every answer it can
 * give documented (a route without is refused at boot), errors as problem details, examples in both languages,
 * the event feed under webhooks, and a reference page at /docs that its own CSP lets run.
 */
import { compileErrors, validate } from '@readme/openapi-parser';
import { Client, Connection } from '@temporalio/client';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registerOpenApi } from '../../api/openapi';
import { buildApi } from '../../api/server';
import { AtrClient } from '../../client';
import { ClosureSchema, FeedbackRequestSchema } from '../../contracts/closure';
import { createAtrLinkNonceRepository } from '../../db/repositories/atr-link-nonces';
import { createClosureRepository } from '../../db/repositories/closures';
import { createLogger } from '../../lib/log';
import { AtrSealer } from '../../pdf/seal';
import { closeTestPool, testIdempotency, testIntake, testPool } from '../helpers/db';
import { TEST_SEAL_KEYS } from '../helpers/temporal';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is walked as plain JSON
type Json = any;

let connection: Connection;
let doc: Json;
let docsPage: { status: number; csp: string | undefined; html: string; script: number };

beforeAll(async () => {
  connection = Connection.lazy({ address: process.env.TEST_TEMPORAL_ADDRESS! });
  const pool = testPool();
  // Every optional part switched on, so every route is registered.
  const app = await buildApi({
    atr: new AtrClient(new Client({ connection }), testIntake()),
    apiKey: 'openapi-portal-key-0123456789',
    idempotency: testIdempotency(),
    logger: createLogger('silent'),
    health: {},
    verification: { sealer: new AtrSealer(TEST_SEAL_KEYS), store: createClosureRepository(pool) },
    whatsapp: { appSecret: 'openapi-secret', verifyToken: 'openapi-verify', pool },
    atrLinks: { store: createClosureRepository(pool), nonces: createAtrLinkNonceRepository(pool) },
  });
  try {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    doc = await (await fetch(`${base}/openapi.json`)).json();
    const page = await fetch(`${base}/docs/`);
    const html = await page.text();
    const scriptSrc = /<script src="([^"]+swagger-ui-bundle\.js)"/.exec(html)?.[1];
    const script = scriptSrc ? (await fetch(new URL(scriptSrc, `${base}/docs/`))).status : 0;
    docsPage = { status: page.status, csp: page.headers.get('content-security-policy') ?? undefined, html, script };
  } finally {
    await app.close();
  }
});
afterAll(async () => {
  await connection.close();
  await closeTestPool();
});

const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));

test('/openapi.json validates as OpenAPI 3.1', async () => {
  expect(doc.openapi).toBe('3.1.0');
  const result = await validate(structuredClone(doc));
  if (!result.valid) throw new Error(compileErrors(result));
  expect(result.valid).toBe(true);
});

test('documents every route: the portal routes, the public ones, health and the WhatsApp webhook', () => {
  expect(operations().map((o) => o.route).sort()).toEqual([
    'GET /atr/{token}',
    'GET /atr/{token}/pdf',
    'GET /healthz',
    'GET /v1/atr/document',
    'GET /v1/atr/verify',
    'GET /v1/grievances/{grievanceId}',
    'GET /webhooks/whatsapp',
    'POST /atr/{token}/feedback',
    'POST /v1/closures',
    'POST /v1/grievances/{grievanceId}/feedback',
    'POST /webhooks/whatsapp',
  ]);
});

test('every operation documents a success, a 500, and each error as a problem (the pages answer gone links as pages)', () => {
  for (const { route, op } of operations()) {
    const statuses = Object.keys(op.responses);
    const errorTypes = statuses
      .filter((s) => Number(s) >= 400)
      .map((s) => `${s} ${Object.keys(op.responses[s].content).join()}`)
      // The link pages answer a gone link with a page in the citizen's language; /healthz's 503 is its own report.
      .filter((t) => !(route.includes('/atr/{token}') && t.endsWith('text/html')) && !(route === 'GET /healthz' && t === '503 application/json'));
    expect({ route, success: statuses.some((s) => /^2/.test(s)), has500: statuses.includes('500'), defaults: statuses.filter((s) => op.responses[s].description === 'Default Response') }).toEqual({
      route,
      success: true,
      has500: true,
      defaults: [],
    });
    expect({ route, errorTypes: errorTypes.filter((t) => !t.endsWith('application/problem+json')) }).toEqual({ route, errorTypes: [] });
  }
});

test('the POSTs document body errors, idempotency answers and the Idempotency-Key header', () => {
  for (const route of ['/v1/closures', '/v1/grievances/{grievanceId}/feedback']) {
    const op = doc.paths[route].post;
    expect({ route, statuses: Object.keys(op.responses).sort() }).toEqual({ route, statuses: expect.arrayContaining(['400', '401', '409', '413', '415', '422', '500']) });
    expect(op.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'idempotency-key' })]));
    expect(op.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
  }
});

test('the problem schema is one component with error, fields and requestId', () => {
  const problem = doc.components.schemas.Problem;
  expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'error', 'requestId']));
  expect(problem.properties.error.enum).toEqual(expect.arrayContaining(['validation_failed', 'malformed_json', 'body_too_large', 'unauthorized', 'idempotency_key_reused']));
  expect(problem.properties.fields.items.properties).toEqual({ field: expect.any(Object), message: expect.any(Object) });
});

test('gives closure and feedback examples in Hindi and in English, each valid against its own schema', () => {
  const examplesOf = (path: string) => Object.values(doc.paths[path].post.requestBody.content['application/json'].examples).map((e: Json) => e.value);
  const closureExamples = examplesOf('/v1/closures');
  expect(closureExamples.map((e: Json) => e.citizen.language)).toEqual(['hi', 'en']);
  expect(closureExamples[0].citizen.name).toMatch(/[\u0900-\u097F]/);
  const feedbackExamples = examplesOf('/v1/grievances/{grievanceId}/feedback');
  expect(feedbackExamples[0].comment).toMatch(/[\u0900-\u097F]/);
  expect(feedbackExamples[1].comment ?? '').not.toMatch(/[\u0900-\u097F]/);
  for (const example of closureExamples) expect(ClosureSchema.safeParse(example).error).toBeUndefined();
  for (const example of feedbackExamples) expect(FeedbackRequestSchema.safeParse(example).error).toBeUndefined();
});

test('describes the portal event feed under webhooks, with its signature header', () => {
  const post = doc.webhooks.portalEvent.post;
  expect(post.parameters.map((p: Json) => p.name)).toEqual(['x-sampark-signature-256', 'x-sampark-event-id']);
  expect(post.requestBody.content['application/json'].schema.properties.type.enum).toContain('grievance.reopen');
});

test('serves the reference page at /docs with scripts from itself only, allowed by its own CSP', () => {
  expect(docsPage.status).toBe(200);
  expect(docsPage.html).toContain('swagger-ui');
  expect(docsPage.script).toBe(200);
  expect(docsPage.csp).toMatch(/script-src 'self'(;| )/);
  expect(docsPage.csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
});

test('refuses at boot a route that does not document its answers', async () => {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await registerOpenApi(app as never);
  await expect(async () => app.get('/v1/undocumented', { schema: { querystring: z.object({}) } }, async () => ({}))).rejects.toThrow(/document every answer/);
  await app.close();
});
