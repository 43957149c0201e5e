/**
 * Configuration: every environment variable is read and validated here, once, at boot.
 * loadConfig lists every problem at once and returns a frozen, typed object. Modes are explicit
 * variables, never NODE_ENV.
 */
import { z } from 'zod';
import { parseCodecKeys, type CodecKey } from './codec-keys';
import { TASK_QUEUE, type FeedbackPolicy } from '../contracts/workflow';
import { PolicyEnvSchema, parsePolicy } from './policy';
import { productionProblems } from './production';

/** The local server this project expects when DATABASE_URL is not set. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/sampark_atr';

const intIn = (min: number, max: number) => z.coerce.number().int('must be a whole number').min(min).max(max);
const optionalString = z.string().trim().min(1).optional();
const bool = z.enum(['true', 'false'], { message: "must be 'true' or 'false'" }).transform((v) => v === 'true');

const EnvSchema = z.object({
  // production refuses every laptop convenience (config/production.ts); development is npm start and the tests.
  SAMPARK_ENV: z.enum(['development', 'production'], { message: "must be 'development' or 'production'" }).default('development'),
  TEMPORAL_ADDRESS: z.string().trim().regex(/^[\w.-]+:\d+$/, 'must be host:port').default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default(TASK_QUEUE),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_DEV_SERVER: z.enum(['embedded', 'off'], { message: "must be 'embedded' or 'off'" }).default('embedded'),
  TEMPORAL_UI_PORT: intIn(1, 65535).default(8233),

  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, message: 'must be a postgres:// URL' }).default(DEFAULT_DATABASE_URL),

  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: intIn(1, 65535).default(3000),
  PORTAL_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),

  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).default('http://127.0.0.1:3000'),
  ATR_SIGNING_KEYS: z
    .string()
    .transform((s) => s.split(',').map((pair) => ({ id: pair.slice(0, pair.indexOf(':')).trim(), secret: pair.slice(pair.indexOf(':') + 1).trim() })))
    .refine((keys) => keys.every((k) => /^[A-Za-z0-9_-]{1,16}$/.test(k.id)), 'each key needs an id of 1-16 letters, digits, - or _ before the colon')
    .refine((keys) => keys.every((k) => k.secret.length >= 32), 'each secret must be at least 32 characters')
    .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, 'key ids must be unique')
    .optional(),

  // The portal's event feed (portal/event-feed.ts): without a URL events wait in the outbox, nothing is lost.
  PORTAL_EVENTS_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  PORTAL_EVENTS_SECRET: z.string().min(32, 'must be at least 32 characters (the HMAC key the portal verifies with)').optional(),
  // A receiver that has not answered one small JSON POST in 10 s is stuck: the event is retried later (same id).
  PORTAL_EVENTS_TIMEOUT_MS: intIn(500, 60_000).default(10_000),

  WHATSAPP_MODE: z.enum(['simulator', 'cloud', 'outbox'], { message: "must be 'simulator', 'cloud' or 'outbox'" }).default('simulator'),
  WHATSAPP_API_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  WHATSAPP_API_VERSION: z.string().regex(/^v\d+\.\d+$/, 'must look like v25.0').default('v25.0'),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d{6,20}$/, 'must be the numeric phone number id').optional(),
  WHATSAPP_ACCESS_TOKEN: optionalString,
  WHATSAPP_APP_SECRET: optionalString,
  WHATSAPP_VERIFY_TOKEN: optionalString,
  WHATSAPP_TIMEOUT_MS: intIn(500, 120_000).default(15_000),
  WHATSAPP_RATE_LIMIT_PER_SECOND: z.coerce.number().positive('must be more than 0').max(1_000).default(80),
  WHATSAPP_PAIR_INTERVAL_MS: intIn(0, 60_000).default(6_000),
  SMS_MODE: z.enum(['simulator', 'http', 'off'], { message: "must be 'simulator', 'http' or 'off'" }).optional(),
  SMS_GATEWAY_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  SMS_GATEWAY_TOKEN: optionalString,
  SMS_SENDER_ID: z.string().regex(/^[A-Z]{6}$/, 'must be a 6-letter DLT sender id').default('RJSMPK'),
  SMS_TIMEOUT_MS: intIn(500, 60_000).default(10_000),
  ATR_LINK_TTL_HOURS: intIn(1, 24 * 365).default(720),
  // Days after a closure's outcome before its personal data is erased (DPDP storage limitation); at least 30 so a
  // closure's workflow (open a few days after its outcome for late feedback) never outlives its citizen's number.
  RETENTION_DAYS: intIn(30, 3650).default(180),
  SIMULATOR_PORT: intIn(1, 65535).default(3001),
  PAYLOAD_CODEC_KEYS: z
    .string()
    .transform((spec, ctx) => {
      try {
        return parseCodecKeys(spec);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  // Unset: on when SAMPARK_ENV=production (see loadConfig), off on a laptop, where old plain histories may linger.
  PAYLOAD_CODEC_REQUIRE_ENCRYPTION: bool.optional(),
  CODEC_AUTH_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  CODEC_SERVER_PORT: intIn(1, 65535).default(8888),
  EMBEDDED_POSTGRES_PORT: intIn(1, 65535).default(54329),
  WORKER_METRICS_ADDRESS: z.string().regex(/^[\w.-]+:\d+$/, 'must be host:port').default('127.0.0.1:9464'),
  // The API's /metrics listener: internal only, never the public port.
  API_METRICS_ADDRESS: z.string().regex(/^[\w.-]+:\d+$/, 'must be host:port').default('127.0.0.1:9465'),
  // Workflows kept in memory between events (about 0.25 MB each); an evicted one replays its history on its next event.
  WORKER_MAX_CACHED_WORKFLOWS: intIn(0, 100_000).default(500),
  CODEC_UI_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8233,http://localhost:8233')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),

  // The officers' inbox: signs its session and CSRF cookies (sessions themselves live in PostgreSQL). Unset on a
  // laptop, the API makes one per process; npm start keeps one in .data/; production requires it.
  OFFICER_COOKIE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // An officer's session ends this many hours after login, however active (a working day), or after an idle hour.
  OFFICER_SESSION_HOURS: intIn(1, 24).default(8),

  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The environment as validated (modes and levels are named once, in EnvSchema). */
type Env = z.infer<typeof EnvSchema>;

/** Which process reads the configuration: each requires only what it uses. */
export type Role = 'all' | 'api' | 'worker' | 'cli';

const API_KEY = { name: 'PORTAL_API_KEY', why: 'the key the portal sends in the Authorization header' } as const;
const SIGNING_KEYS = { name: 'ATR_SIGNING_KEYS', why: 'id:secret[,id:secret...]; the first signs new ATRs' } as const;
const CODEC_KEYS = { name: 'PAYLOAD_CODEC_KEYS', why: 'id:base64key[,id:base64key...]; 32-byte AES keys, the first encrypts' } as const;
const REQUIRED: Record<Role, readonly { name: 'PORTAL_API_KEY' | 'ATR_SIGNING_KEYS' | 'PAYLOAD_CODEC_KEYS'; why: string }[]> = {
  all: [API_KEY, SIGNING_KEYS, CODEC_KEYS],
  api: [API_KEY, SIGNING_KEYS, CODEC_KEYS],
  worker: [SIGNING_KEYS, CODEC_KEYS],
  cli: [],
};

/** The validated configuration. */
export interface Config {
  /** production: no local fallbacks exist, and loadConfig refused every local default and placeholder. */
  environment: Env['SAMPARK_ENV'];
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    tls?: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string };
  };
  /** `npm start` only: run an embedded dev server at temporal.address, or use an existing cluster. */
  devServer: { mode: Env['TEMPORAL_DEV_SERVER']; uiPort: number };
  databaseUrl: string;
  /** `apiKey` is set whenever the role is 'api' or 'all'. */
  http: { host: string; port: number; apiKey?: string };
  /** The event feed to the portal; without `url` events accumulate in the outbox. `secret` is set whenever `url` is. */
  portalEvents: { url?: string; secret?: string; timeoutMs: number };
  /** Where citizens reach the API (the ATR's verification link). */
  publicBaseUrl: string;
  /** ATR signing keys; the first signs, all verify. Empty only for the 'cli' role. */
  sealKeys: { id: string; secret: string }[];
  defaultPolicy: FeedbackPolicy;
  whatsapp: {
    /** simulator: the local Cloud API simulator; cloud: Meta; outbox: record messages without sending. */
    mode: Env['WHATSAPP_MODE'];
    apiUrl: string;
    apiVersion: string;
    phoneNumberId: string;
    accessToken: string;
    appSecret: string;
    verifyToken: string;
    timeoutMs: number;
    ratePerSecond: number;
    pairIntervalMs: number;
  };
  sms: { mode: NonNullable<Env['SMS_MODE']>; gatewayUrl: string; token: string; senderId: string; timeoutMs: number };
  atrLinkTtlHours: number;
  /** Days after a closure's outcome before the daily purge erases its personal data. */
  retentionDays: number;
  /** `npm start` only: where the embedded simulator listens. */
  simulatorPort: number;
  /** Payload encryption keys; the first encrypts, all decrypt. Empty only for the 'cli' role without keys. */
  payloadKeys: CodecKey[];
  /** Refuse unencrypted payloads on decode (PAYLOAD_CODEC_REQUIRE_ENCRYPTION; by default on in production). */
  payloadRequireEncryption: boolean;
  /** `npm start` only: where embedded PGlite listens when no PostgreSQL answers. */
  embeddedPostgresPort: number;
  /** Where the worker serves Prometheus metrics (the Temporal SDK's and ours). */
  workerMetricsAddress: string;
  /** Where the API serves its Prometheus metrics (a listener of its own, off the public port). */
  apiMetricsAddress: string;
  /** Workflows the worker keeps cached; bounds its memory however many are open. */
  workerMaxCachedWorkflows: number;
  /** The codec server (for the Web UI and CLI). */
  codecServer: { port: number; token?: string; allowedOrigins: string[] };
  /** The officers' inbox: its cookie-signing secret (unset outside production: one per process) and session length. */
  officers: { cookieSecret?: string; sessionHours: number };
  logLevel: Env['LOG_LEVEL'];
}

/** Raised at boot with every configuration problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration from an environment (process.env by default). */
export function loadConfig(env: Record<string, string | undefined> = process.env, role: Role = 'all'): Readonly<Config> {
  const set = Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => kv[1] !== undefined && kv[1] !== ''));
  const parsed = EnvSchema.safeParse(set);
  const { policy, problems } = parsePolicy(set);
  if (!parsed.success) problems.unshift(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  for (const { name, why } of REQUIRED[role]) if (!set[name]) problems.unshift(`${name}: is required (${why})`);
  if (Boolean(set.TEMPORAL_TLS_CERT_PATH) !== Boolean(set.TEMPORAL_TLS_KEY_PATH)) {
    problems.push('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both for mTLS, or neither');
  }
  if (parsed.success && parsed.data.WHATSAPP_MODE === 'cloud' && role !== 'cli') {
    for (const name of ['WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'] as const) {
      if (!set[name]) problems.push(`${name}: is required when WHATSAPP_MODE=cloud`);
    }
  }
  if (parsed.success && parsed.data.SMS_MODE === 'http' && role !== 'cli') {
    for (const name of ['SMS_GATEWAY_URL', 'SMS_GATEWAY_TOKEN'] as const) if (!set[name]) problems.push(`${name}: is required when SMS_MODE=http`);
  }
  // An unsigned event could be forged by anyone who can reach the portal's receiver: no URL without a secret.
  if (set.PORTAL_EVENTS_URL && !set.PORTAL_EVENTS_SECRET && role !== 'cli') problems.push('PORTAL_EVENTS_SECRET: is required when PORTAL_EVENTS_URL is set (events are signed with it)');
  if (set.SAMPARK_ENV === 'production') {
    problems.push(...productionProblems(Object.fromEntries(Object.entries(set).filter(([name]) => CONFIG_VARIABLES.includes(name))), role));
  }
  if (!parsed.success || !policy || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  const simulator = `http://127.0.0.1:${e.SIMULATOR_PORT}`;
  // The simulator's well-known local credentials, on a laptop only: with WHATSAPP_MODE=cloud every one of them
  // is required, and production never falls back (an empty secret is refused by loadConfig before this).
  const local = e.WHATSAPP_MODE !== 'cloud' && e.SAMPARK_ENV !== 'production';
  const smsMode = e.SMS_MODE ?? (e.WHATSAPP_MODE === 'simulator' ? 'simulator' : 'off');
  const tlsWanted = e.TEMPORAL_TLS || e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_TLS_CA_PATH;

  return deepFreeze({
    environment: e.SAMPARK_ENV,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}),
      ...(tlsWanted
        ? {
            tls: {
              certPath: e.TEMPORAL_TLS_CERT_PATH,
              keyPath: e.TEMPORAL_TLS_KEY_PATH,
              caPath: e.TEMPORAL_TLS_CA_PATH,
              serverName: e.TEMPORAL_TLS_SERVER_NAME,
            },
          }
        : {}),
    },
    devServer: { mode: e.TEMPORAL_DEV_SERVER, uiPort: e.TEMPORAL_UI_PORT },
    databaseUrl: e.DATABASE_URL,
    http: { host: e.HOST, port: e.PORT, apiKey: e.PORTAL_API_KEY },
    portalEvents: { url: e.PORTAL_EVENTS_URL, secret: e.PORTAL_EVENTS_SECRET, timeoutMs: e.PORTAL_EVENTS_TIMEOUT_MS },
    defaultPolicy: policy,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    sealKeys: e.ATR_SIGNING_KEYS ?? [],
    whatsapp: {
      mode: e.WHATSAPP_MODE,
      apiUrl: e.WHATSAPP_API_URL ?? (e.WHATSAPP_MODE === 'cloud' ? 'https://graph.facebook.com' : simulator),
      apiVersion: e.WHATSAPP_API_VERSION,
      phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID ?? (local ? '100000000000001' : ''),
      accessToken: e.WHATSAPP_ACCESS_TOKEN ?? (local ? 'local-sim-access-token' : ''),
      appSecret: e.WHATSAPP_APP_SECRET ?? (local ? 'local-sim-app-secret' : ''),
      verifyToken: e.WHATSAPP_VERIFY_TOKEN ?? (local ? 'local-sim-verify-token' : ''),
      timeoutMs: e.WHATSAPP_TIMEOUT_MS,
      ratePerSecond: e.WHATSAPP_RATE_LIMIT_PER_SECOND,
      pairIntervalMs: e.WHATSAPP_PAIR_INTERVAL_MS,
    },
    sms: {
      mode: smsMode,
      gatewayUrl: e.SMS_GATEWAY_URL ?? `${simulator}/sms`,
      token: e.SMS_GATEWAY_TOKEN ?? (smsMode === 'simulator' && local ? 'local-sim-access-token' : ''),
      senderId: e.SMS_SENDER_ID,
      timeoutMs: e.SMS_TIMEOUT_MS,
    },
    atrLinkTtlHours: e.ATR_LINK_TTL_HOURS,
    retentionDays: e.RETENTION_DAYS,
    simulatorPort: e.SIMULATOR_PORT,
    payloadKeys: e.PAYLOAD_CODEC_KEYS ?? [],
    payloadRequireEncryption: e.PAYLOAD_CODEC_REQUIRE_ENCRYPTION ?? set.SAMPARK_ENV === 'production',
    workerMetricsAddress: e.WORKER_METRICS_ADDRESS,
    apiMetricsAddress: e.API_METRICS_ADDRESS,
    workerMaxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
    embeddedPostgresPort: e.EMBEDDED_POSTGRES_PORT,
    codecServer: { port: e.CODEC_SERVER_PORT, ...(e.CODEC_AUTH_TOKEN ? { token: e.CODEC_AUTH_TOKEN } : {}), allowedOrigins: e.CODEC_UI_ORIGINS },
    officers: { ...(e.OFFICER_COOKIE_SECRET ? { cookieSecret: e.OFFICER_COOKIE_SECRET } : {}), sessionHours: e.OFFICER_SESSION_HOURS },
    logLevel: e.LOG_LEVEL,
  });
}

function deepFreeze<T>(value: T): T {
  // Keys are Buffers; typed arrays with contents cannot be frozen.
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Every environment variable loadConfig reads (the compose file is checked against it). */
export const CONFIG_VARIABLES: readonly string[] = [...Object.keys(EnvSchema.shape), ...Object.keys(PolicyEnvSchema.shape)];
