/**
 * One error shape for every 4xx and 5xx: RFC 9457 problem details (application/problem+json) with the machine code
 * in `error`, the fields at fault in `fields` and the request id. One error handler maps every error to it and
 * hides the details of a 5xx; malformed JSON is answered with where it broke, an oversized body with the limit.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Logger } from '../lib/log';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ClosureConflictError, FeedbackClosedError, GrievanceNotFoundError, OperationRefusedError, ValidationError } from '../client';
import { EscalationNotFoundError } from '../client/escalations';
import { ERROR_CODES, PROBLEM_CONTENT_TYPE, problemType, type ErrorCode, type Problem } from '../contracts/api';
import { toFieldErrors } from '../contracts/closure';

/** The API's fastify instance (its logger is ours). */
export type ApiInstance = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger>;

/** An answer the API gives on purpose: a status, its machine code, and what to tell the caller. */
export class HttpProblem extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: ErrorCode,
    detail: string,
    readonly extra: Partial<Pick<Problem, 'fields' | 'workflowId' | 'limitBytes' | 'retryAfterSeconds'>> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

/** The code of a refusal thrown with a status only. */
const CODE_OF_STATUS: Partial<Record<number, ErrorCode>> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'body_too_large', 415: 'unsupported_media_type', 429: 'rate_limited' };

/** Titles per code: the same for every occurrence, as RFC 9457 asks. */
const TITLES: Record<ErrorCode, string> = {
  validation_failed: 'The request has invalid fields',
  malformed_json: 'The body is not valid JSON',
  body_too_large: 'The body is too large',
  unsupported_media_type: 'The body has a media type this route does not take',
  bad_request: 'Bad request',
  unauthorized: 'Missing or wrong API key',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  feedback_closed: "The closure's feedback period has ended",
  closure_conflict: 'The closure conflicts with one already taken',
  idempotency_key_in_use: 'A request with this Idempotency-Key is still in progress',
  idempotency_key_reused: 'The Idempotency-Key was used for a different request',
  action_refused: 'The escalation refused the action',
  rate_limited: 'Too many requests',
  internal_error: 'Internal error',
};

/** Sends a problem: the one place that writes an error body. */
export function sendProblem(req: FastifyRequest, reply: FastifyReply, p: HttpProblem) {
  const body: Problem = {
    type: problemType(p.error),
    title: TITLES[p.error],
    status: p.statusCode,
    detail: p.message,
    instance: req.url.split('?')[0],
    error: p.error,
    requestId: String(req.id),
    ...p.extra,
  };
  return reply.code(p.statusCode).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** Fastify's own request errors, as problems (fastify sets these codes before any handler runs). */
function fastifyProblem(err: FastifyError, req: FastifyRequest): HttpProblem | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limit = req.routeOptions.bodyLimit;
      return new HttpProblem(413, 'body_too_large', `the body is larger than this route's limit of ${limit} bytes`, { limitBytes: limit });
    }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpProblem(400, 'malformed_json', 'the body is empty; send a JSON object', { fields: [{ field: '(body)', message: 'is empty' }] });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(415, 'unsupported_media_type', `this route does not take ${req.headers['content-type'] ?? 'a body without a content-type'}; send application/json`);
  }
  return undefined;
}

/** The problem for an error, whatever threw it. */
function toProblem(err: FastifyError, req: FastifyRequest): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext === 'headers' ? 'header' : err.validationContext;
    const fields = toFieldErrors({
      issues: err.validation.map((v) => ({ path: v.instancePath.split('/').filter(Boolean), code: v.keyword, message: v.message ?? 'is invalid' })),
    });
    return new HttpProblem(400, 'validation_failed', `the request has invalid fields (${where})`, { fields });
  }
  if (err instanceof ValidationError) return new HttpProblem(400, 'validation_failed', err.message, { fields: err.fields });
  if (err instanceof GrievanceNotFoundError) return new HttpProblem(404, 'not_found', err.message);
  if (err instanceof EscalationNotFoundError) return new HttpProblem(404, 'not_found', err.message);
  if (err instanceof OperationRefusedError) return new HttpProblem(409, 'action_refused', err.message);
  if (err instanceof FeedbackClosedError) return new HttpProblem(409, 'feedback_closed', err.message);
  if (err instanceof ClosureConflictError) return new HttpProblem(409, 'closure_conflict', err.message, { workflowId: err.workflowId, fields: err.fields });
  const known = fastifyProblem(err, req);
  if (known) return known;
  const status = err.statusCode ?? 500;
  if (status >= 500) return new HttpProblem(500, 'internal_error', 'something went wrong; the request id identifies it in our logs');
  const code = (ERROR_CODES as readonly string[]).includes(err.code) ? (err.code as ErrorCode) : (CODE_OF_STATUS[status] ?? 'bad_request');
  return new HttpProblem(status, code, err.message);
}

/** The API's error handler: every error becomes a problem; a 5xx is logged in full and answered without details. */
export function problemErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const problem = toProblem(err, req);
  if (problem.statusCode >= 500) req.log.error({ err }, 'request failed');
  return sendProblem(req, reply, problem);
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** A path we do not serve: 404; a path we serve with other methods: 405 with `allow` (RFC 9110). Same shape. */
export function problemNotFoundHandler(req: FastifyRequest, reply: FastifyReply) {
  const path = req.url.split('?')[0]!;
  const allowed = METHODS.filter((method) => req.server.findRoute({ method, url: path }));
  if (allowed.length) {
    reply.header('allow', allowed.join(', '));
    return sendProblem(req, reply, new HttpProblem(405, 'method_not_allowed', `${path} takes ${allowed.join(', ')}, not ${req.method}`));
  }
  return sendProblem(req, reply, new HttpProblem(404, 'not_found', `${req.method} ${path} is not a route of this API; see /docs`));
}

/** Line and column (1-based) of an offset in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/**
 * Where a body stops being JSON, said without quoting it (it may hold personal data): jsonc-parser reports the
 * first error's offset, which JSON.parse's message only sometimes gives.
 */
export function malformedJson(body: string): HttpProblem {
  const errors: ParseError[] = [];
  parseTolerant(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  const offset = first?.offset ?? body.length;
  const { line, column } = lineAndColumn(body, offset);
  const what = first ? printParseErrorCode(first.error) : 'InvalidJson';
  const message = `is not valid JSON: ${what} at line ${line}, column ${column} (offset ${offset})`;
  return new HttpProblem(400, 'malformed_json', `the body ${message}`, { fields: [{ field: '(body)', message }] });
}

/** Replaces fastify's JSON parser with one that answers malformed JSON with its position (same secure parsing). */
export function useProblemJsonParser(app: ApiInstance): void {
  const secureParse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    void secureParse(req, body as string, (err: Error | null, value?: unknown) => {
      if ((err as FastifyError | null)?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return done(malformedJson(body as string), undefined);
      return done(err, value);
    });
  });
}
