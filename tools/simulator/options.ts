/** The simulator's options and their defaults. */
import pino from 'pino';
import type { Logger } from '../../lib/log';
import { numberKey } from './ids';
import { DEFAULT_PAIR_RATE, type PairRateOptions } from './rate';
import type { ChaosSettings } from './state';
import { DEFAULT_WEBHOOK_RETRY, type WebhookRetryOptions } from './webhooks';

/** Options of buildSimulator. Only the credentials and ids are required. */
export interface SimulatorOptions {
  /** Where signed webhooks are POSTed; undefined: none are sent (statuses are still recorded). */
  webhookUrl?: string;
  /** HMAC key of X-Hub-Signature-256. */
  appSecret: string;
  /** The bearer token the Graph routes accept. */
  accessToken: string;
  /** The bearer token of the SMS gateway (default: accessToken). */
  smsToken?: string;
  /** Our business phone number id (the only one the Graph routes know). */
  phoneNumberId: string;
  /** WhatsApp Business Account id (entry[].id of webhooks). Default 100000000000002. */
  wabaId?: string;
  /** The business number as webhooks show it (digits). Default 911412000181. */
  displayPhoneNumber?: string;
  /** The business name shown on the phone page. */
  businessName?: string;
  /** Where our templates' URL buttons point before their suffix (the API's PUBLIC_BASE_URL, as approved with the template). */
  templateUrlBase?: string;
  /** Prepended to a `to` that is a bare 10-digit national number (Meta: the business number's). Default 91. */
  countryCode?: string;
  /**
   * When statuses follow an accepted send: `sent` and `delivered` after that many ms from acceptance, `read`
   * that many ms after delivery once the citizen opened the chat (or at once with autoRead).
   */
  statusDelaysMs?: { sent?: number; delivered?: number; read?: number };
  /** Every delivered message is read without opening the phone page. */
  autoRead?: boolean;
  /** Messages per second per business number (Meta default 80; Infinity: no limit). */
  throughputPerSecond?: number;
  /** Pair rate per recipient (Meta: 1 per 6 s, burst 45); false: no limit. */
  pairRate?: PairRateOptions | false;
  /** Customer service window after a citizen's message. Default 24 h. */
  customerServiceWindowMs?: number;
  /** Numbers not on WhatsApp (any format; compared by digits), or a predicate on the wa_id. */
  undeliverableNumbers?: Iterable<string> | ((waId: string) => boolean);
  /** Webhook redelivery schedule and per-attempt timeout. */
  webhookRetry?: Partial<WebhookRetryOptions>;
  /** Webhook requests in flight at once. Default 32. */
  webhookConcurrency?: number;
  /** Deliberate duplicates and disorder. */
  chaos?: Partial<ChaosSettings>;
  /** Cap on stored media bytes (oldest content evicted; ids stay valid). Default 256 MiB. */
  mediaMaxBytes?: number;
  /** Uploaded media ids expire after this long (Meta: 30 days); a citizen's media after 7 days at most. */
  mediaTtlMs?: number;
  /** A citizen's media (a voice note) expires after this long (Meta: 7 days); tests set it short. */
  inboundMediaTtlMs?: number;
  /** Webhook deliveries kept in the log. Default 50,000. */
  deliveryLogLimit?: number;
  /** Base URL for media download links; default: taken from the request's Host. */
  publicUrl?: string;
  logger?: Logger;
  /** Clock for windows, rate limits and timestamps (tests may move it). Default Date.now. */
  now?: () => number;
  /** Randomness for fault rates. Default Math.random. */
  random?: () => number;
}

/** Options with every default applied. */
export type ResolvedOptions = Required<Omit<SimulatorOptions, 'webhookUrl' | 'publicUrl' | 'undeliverableNumbers' | 'statusDelaysMs' | 'webhookRetry' | 'chaos'>> & {
  webhookUrl: string | undefined;
  publicUrl: string | undefined;
  isUndeliverable: (waId: string) => boolean;
  statusDelaysMs: { sent: number; delivered: number; read: number };
  webhookRetry: WebhookRetryOptions;
  chaos: ChaosSettings;
};

/** Applies the defaults. */
export function resolveOptions(o: SimulatorOptions): ResolvedOptions {
  const undeliverable = o.undeliverableNumbers;
  const countryCode = o.countryCode ?? '91';
  const listed = typeof undeliverable === 'function' ? undefined : new Set([...(undeliverable ?? [])].map((n) => numberKey(n, countryCode)));
  return {
    webhookUrl: o.webhookUrl,
    appSecret: o.appSecret,
    accessToken: o.accessToken,
    smsToken: o.smsToken ?? o.accessToken,
    phoneNumberId: o.phoneNumberId,
    wabaId: o.wabaId ?? '100000000000002',
    displayPhoneNumber: (o.displayPhoneNumber ?? '911412000181').replace(/\D/g, ''),
    businessName: o.businessName ?? 'Rajasthan Sampark',
    templateUrlBase: (o.templateUrlBase ?? 'http://127.0.0.1:3000').replace(/\/$/, ''),
    countryCode,
    statusDelaysMs: { sent: 50, delivered: 250, read: 400, ...o.statusDelaysMs },
    autoRead: o.autoRead ?? false,
    throughputPerSecond: o.throughputPerSecond ?? 80,
    pairRate: o.pairRate ?? DEFAULT_PAIR_RATE,
    customerServiceWindowMs: o.customerServiceWindowMs ?? 24 * 60 * 60 * 1000,
    isUndeliverable: typeof undeliverable === 'function' ? undeliverable : (waId) => listed!.has(waId),
    webhookRetry: { ...DEFAULT_WEBHOOK_RETRY, ...o.webhookRetry },
    webhookConcurrency: o.webhookConcurrency ?? 32,
    chaos: { duplicateWebhooks: false, statusOrder: 'in-order', batchWebhooks: false, ...o.chaos },
    mediaMaxBytes: o.mediaMaxBytes ?? 256 * 1024 * 1024,
    mediaTtlMs: o.mediaTtlMs ?? 30 * 24 * 60 * 60 * 1000,
    inboundMediaTtlMs: o.inboundMediaTtlMs ?? 7 * 24 * 60 * 60 * 1000,
    deliveryLogLimit: o.deliveryLogLimit ?? 50_000,
    publicUrl: o.publicUrl?.replace(/\/$/, ''),
    logger: o.logger ?? pino({ level: 'silent' }),
    now: o.now ?? Date.now,
    random: o.random ?? Math.random,
  };
}
