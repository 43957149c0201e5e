/**
 * The API's OpenAPI 3.1 document, generated from the zod route schemas (@fastify/swagger with
 * fastify-type-provider-zod's transforms), served at /openapi.json with a reference page at /docs
 * (@fastify/swagger-ui, its files served from here, under a CSP of its own). Route schemas declare their
 * responses through the helpers below, so every status a route can send is documented with its shape.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { RouteOptions } from 'fastify';
import type { ApiInstance } from './problems';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE, ProblemSchema, type ErrorCode } from '../contracts/api';
import { portalEventWebhooks } from './openapi-webhooks';
import examples from './openapi-examples.json';
import { INBOX_PATH } from './officer/session';

/**
 * Request bodies' examples (Hindi and English), by route; kept in JSON: sample data, not wording. Added to the
 * generated body schema here (zod's .meta() examples do not survive the transform of a schema as rich as a closure's).
 */
const BODY_EXAMPLES: Record<string, unknown[]> = {
  '/v1/closures': [examples.closure.hindi, examples.closure.english],
  '/v1/grievances/:grievanceId/feedback': [examples.feedback.hindi, examples.feedback.english],
};

/** fastify-type-provider-zod's transform, plus the body examples. */
const transform: typeof jsonSchemaTransform = (input) => {
  const out = jsonSchemaTransform(input);
  const bodyExamples = BODY_EXAMPLES[input.url];
  const body = (out.schema as { body?: object } | undefined)?.body;
  if (!bodyExamples || !body) return out;
  return { ...out, schema: { ...out.schema, body: { ...body, examples: bodyExamples } } };
};

/** Where the document and its reference page are served. */
export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

/** What each error code means for the caller, in the responses' descriptions. */
const MEANING: Record<ErrorCode, string> = {
  validation_failed: '`validation_failed`: fields are invalid; `fields` names each one',
  malformed_json: '`malformed_json`: the body is not JSON (or empty); `detail` gives line, column and offset',
  body_too_large: '`body_too_large`: `limitBytes` is the limit',
  unsupported_media_type: '`unsupported_media_type`: send application/json',
  bad_request: '`bad_request`: the request could not be read',
  unauthorized: '`unauthorized`: missing or wrong API key (Authorization: Bearer <key>, or X-API-Key)',
  forbidden: '`forbidden`: the verification token does not match',
  not_found: '`not_found`',
  method_not_allowed: '`method_not_allowed`: the `allow` header lists the methods this path takes',
  feedback_closed: "`feedback_closed`: the closure's feedback period has ended",
  closure_conflict: '`closure_conflict`: this grievance and cycle were posted with other content, or the atrNumber is taken; `fields` names what differs, never a value',
  idempotency_key_in_use: '`idempotency_key_in_use`: the first request with this Idempotency-Key is still running; retry shortly',
  idempotency_key_reused: '`idempotency_key_reused`: this Idempotency-Key came with a different request; use a new key',
  action_refused: '`action_refused`: the escalation refused the action (the officer\'s level or scope, or it has ended); `detail` says why',
  rate_limited: '`rate_limited`: see retry-after',
  internal_error: '`internal_error`: details hidden; `requestId` finds them in our logs. Safe to retry',
};

/** The statuses each code is sent with. */
const STATUS_OF: Record<ErrorCode, number> = {
  validation_failed: 400,
  malformed_json: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  feedback_closed: 409,
  closure_conflict: 409,
  idempotency_key_in_use: 409,
  action_refused: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal_error: 500,
};

/** A documented response: its description and its content by media type. */
type Documented = { description: string; content: Record<string, { schema: z.ZodType }> };

/** Problem responses for these codes, grouped by status. Every route gets internal_error. */
export function problems(...codes: ErrorCode[]): Record<number, Documented> {
  const byStatus: Record<number, ErrorCode[]> = {};
  for (const code of [...codes, 'internal_error' as const]) (byStatus[STATUS_OF[code]] ??= []).push(code);
  return Object.fromEntries(
    Object.entries(byStatus).map(([status, list]) => [status, { description: list.map((c) => MEANING[c]).join('. '), content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } }]),
  );
}

/** A JSON answer. */
export const json = (description: string, schema: z.ZodType): Documented => ({ description, content: { 'application/json': { schema } } });
/** A PDF. */
export const pdf = (description: string): Documented => ({ description, content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } });
/** Audio of any type (a voice note is sent as the citizen's phone recorded it). */
export const audio = (description: string): Documented => ({ description, content: { 'audio/*': { schema: z.string().meta({ format: 'binary' }) } } });

/** The errors of any route that reads a JSON body. */
export const BODY_ERRORS: ErrorCode[] = ['validation_failed', 'malformed_json', 'body_too_large', 'unsupported_media_type'];
/** The API-key routes' security requirement: either header. */
export const API_KEY_SECURITY: { [scheme: string]: string[] }[] = [{ bearer: [] }, { apiKey: [] }];

const DESCRIPTION = `The Sampark ATR API for the portal backend: post a closure (its ATR goes to the citizen on WhatsApp),
read a grievance's status, and pass on feedback from other channels. Every 4xx and 5xx is an RFC 9457 problem
(application/problem+json) with a stable \`error\` code, \`fields\` for field errors, and \`requestId\`.

**Unknown fields.** Unknown members at the top level of a body and in department, district and attachments are
accepted and ignored (never stored, logged by name only) and listed in the answer's \`ignoredFields\`, so the portal can
add fields before we use them. Unknown members of \`citizen\`, \`officer\` and \`feedbackPolicy\` are refused (400): the
first two hold personal data we would otherwise drop without anyone noticing, the last tunes our behaviour, where a
misspelt override must not fall back to the default unseen.

**Idempotency.** Every POST under /v1 takes an \`Idempotency-Key\` header (1-255 visible ASCII characters). A repeat with the
same key and the same request returns the first answer (with \`idempotent-replayed: true\`); the same key with a different
request is refused (422 \`idempotency_key_reused\`); while the first is still running, 409 \`idempotency_key_in_use\`. Keys are
kept at least 24 hours (48). Answers of 5xx are not kept: retry with the same key.

**Versioning.** Paths stay under /v1 while changes are additive: new optional request fields, new response members, new
error codes, new event types, new endpoints. A breaking change (removing or renaming a field, making an optional field
required, narrowing what a field accepts, changing a status or an error code's meaning) gets /v2, served beside /v1.`;

/** Registers the document generator, GET /openapi.json and the reference page at /docs. Call before the routes. */
export async function registerOpenApi(app: ApiInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Sampark ATR API', version: '1.0.0', description: DESCRIPTION },
      tags: [
        { name: 'closures', description: 'The portal posts each disposal' },
        { name: 'grievances', description: "A grievance's status and feedback from other channels" },
        { name: 'escalations', description: "The escalations of \"not satisfied\": read them, and act for an officer the portal has signed in" },
        { name: 'public', description: 'For whoever holds an ATR or its link: no API key' },
        { name: 'meta', description: 'Health, the WhatsApp webhook, this document' },
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <PORTAL_API_KEY>' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'X-API-Key: <PORTAL_API_KEY>' },
        },
      },
      // The hand-written webhook objects are plain OpenAPI; openapi-types' unions are stricter than they need be.
      webhooks: portalEventWebhooks() as never,
    },
    transform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PATH,
    uiConfig: { validatorUrl: null, deepLinking: true },
    // Scripts and styles from here only; helmet's page CSP forbids scripts, so /docs has its own.
    staticCSP:
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    logLevel: 'warn',
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
  app.addHook('onRoute', requireDocumentedResponses);
}

/**
 * onRoute hook: refuses (at boot) a route that does not document its answers, a success among them. Only the
 * documentation's own routes are exempt. So no route reaches /openapi.json with fastify's "Default Response".
 */
export function requireDocumentedResponses(route: RouteOptions): void {
  if (route.url.startsWith(DOCS_PATH) || route.url === OPENAPI_PATH) return;
  // The officers' inbox: server-rendered pages behind a login, hidden from the document (api/officer/index.ts).
  if (route.url === INBOX_PATH || route.url.startsWith(`${INBOX_PATH}/`)) return;
  const statuses = Object.keys((route.schema?.response as object | undefined) ?? {});
  if (!statuses.some((s) => /^[23]/.test(s)) || !statuses.includes('500')) {
    throw new Error(`${String(route.method)} ${route.url}: document every answer in schema.response (a success and 500 at least; api/openapi.ts)`);
  }
}
