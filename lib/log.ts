/**
 * Structured JSON logs (pino). Personal data and secrets must never be logged. Two guards sit here, at the
 * source, so no route or call site has to remember them:
 * - requests are logged by route pattern (`/atr/:token`, `/t/:token/decode`), never by the URL asked for,
 *   and without the query string, which carries capabilities (`/v1/atr/document?…&s=`, `hub.verify_token`);
 * - every string logged (messages, error messages and stacks) is scrubbed of query strings and opaque
 *   token-like path segments, and credential headers and personal fields are redacted by path.
 * Neither is the plan for personal data (call sites log ids, codes and counts); they are the safety net.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

const CENSOR = '[redacted]';

/** Credential headers, wherever a request, a response or a headers object is logged. */
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-hub-signature-256', 'x-codec-token'];
/** Field names that hold personal data or secrets, redacted at the top level and one level down. */
const SECRET_FIELDS = ['citizen', 'phone', 'to', 'recipient', 'comment', 'closure', 'token', 'accessToken', 'appSecret', 'verifyToken', 'apiKey', 'secret', 'password'];
const headerPath = (parent: string, name: string) => (/^[a-z]+$/.test(name) ? `${parent}.${name}` : `${parent}["${name}"]`);

/** Field paths whose values are replaced by [redacted] wherever they appear. */
export const REDACT_PATHS = [
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]),
  ...SECRET_HEADERS.flatMap((h) => ['req.headers', 'res.headers', 'headers', '*.headers'].map((parent) => headerPath(parent, h))),
];

/** Route parameters that are safe to show (identifiers, not capabilities); any other shows as `:name`. */
const SAFE_PARAMS = new Set(['grievanceId']);

/** A path segment that looks like a token: 20+ URL-safe characters mixing letters and digits. */
const OPAQUE_SEGMENT = /\/([A-Za-z0-9_~.%-]{20,})(?=[/?#\s"'<>)]|$)/g;
/** The segment after a capability prefix: the codec's `/t/<token>`, the SMS link's `/atr/<token>`. */
const CAPABILITY_SEGMENT = /\/(t|atr)\/([A-Za-z0-9_~.%-]{16,}|[^/\s?#"'<>]*(?=\/(?:decode|encode|pdf|feedback)\b))/g;
/** A query string on anything that looks like a path or URL. */
const QUERY = /((?:https?:\/\/[^\s/?#"'<>]+)?\/[^\s?#"'<>]*)\?[^\s#"'<>]*/g;

/** Scrubs query strings and token path segments out of any text bound for a log. */
export function scrubText(text: string): string {
  return text
    .replace(QUERY, `$1?${CENSOR}`)
    .replace(CAPABILITY_SEGMENT, `/$1/${CENSOR}`)
    .replace(OPAQUE_SEGMENT, (whole, segment: string) => (/[A-Za-z]/.test(segment) && /\d/.test(segment) ? `/${CENSOR}` : whole));
}

/** What a request log may show of where it went: the route's pattern, else the scrubbed path. */
export function loggablePath(req: { url?: string; routeOptions?: { url?: string }; params?: unknown }): string {
  const pattern = req.routeOptions?.url;
  const hadQuery = (req.url ?? '').includes('?');
  if (pattern && pattern !== '*' && !pattern.includes('*')) {
    const params = (req.params ?? {}) as Record<string, unknown>;
    const path = pattern.replace(/:([A-Za-z0-9_]+)/g, (whole, name: string) => (SAFE_PARAMS.has(name) && typeof params[name] === 'string' ? encodeURIComponent(params[name]) : whole));
    return hadQuery ? `${path}?${CENSOR}` : path;
  }
  return scrubText(req.url ?? '');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  routeOptions?: { url?: string };
  params?: unknown;
  ip?: string;
  socket?: { remotePort?: number };
}

/** The request serializer for Fastify's request logs (it takes our logger's serializers over its own). */
function serializeRequest(req: LoggedRequest) {
  return { method: req.method, url: loggablePath(req), remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

/** Errors keep their type and shape; their message and stack are scrubbed like any other text. */
function serializeError(err: unknown) {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (!out || typeof out !== 'object') return out;
  for (const key of ['message', 'stack'] as const) if (typeof out[key] === 'string') out[key] = scrubText(out[key]);
  return out;
}

/** Scrubs every string in a logged object (plain objects and arrays, a few levels down; serializers shape the rest). */
function scrubFields(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 4 || !value || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubFields(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubFields(v, depth + 1)]));
}

/** Creates the process logger; `destination` (stdout by default) lets a test read every line. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'sampark-atr', ...bindings },
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: { req: serializeRequest, err: serializeError },
    formatters: { log: (object) => scrubFields(object) as Record<string, unknown> },
    hooks: {
      // Messages are text too: Fastify's "Route GET:/…?… not found" must not carry the query.
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
