/**
 * Whose fault a channel error is: ONE table for every WhatsApp Cloud API error code and every SMS gateway
 * error, whether it came as the answer to a send or later in a `failed` status. Only CITIZEN_UNREACHABLE may
 * change a citizen's outcome; TRANSIENT is retried; OUR_SIDE holds the closure, visibly, until ops fix it.
 * Timeouts and network errors never reach the table: the clients throw them as plain errors, which Temporal
 * retries (TRANSIENT by construction). Node-free.
 */
import type { Channel, DeliveryBlock, FaultClass } from '../contracts/workflow';

/**
 * How far a fault on our side reaches: the whole channel (credentials, the account, a template every message
 * of its kind uses), which opens the channel's circuit breaker, or only this message (its parameters, its
 * type, a free-form text outside the 24-hour window), which holds this closure but not the others.
 */
export type FaultScope = 'channel' | 'message';

/** What one error means. */
export interface FaultRule {
  faultClass: FaultClass;
  /** For OUR_SIDE: what it blocks. */
  scope: FaultScope;
  /** Meta's or the gateway's meaning, for the reason when the error carries no words of its own. */
  meaning: string;
}

const citizen = (meaning: string): FaultRule => ({ faultClass: 'CITIZEN_UNREACHABLE', scope: 'message', meaning });
const transient = (meaning: string): FaultRule => ({ faultClass: 'TRANSIENT', scope: 'message', meaning });
const ourChannel = (meaning: string): FaultRule => ({ faultClass: 'OUR_SIDE', scope: 'channel', meaning });
const ourMessage = (meaning: string): FaultRule => ({ faultClass: 'OUR_SIDE', scope: 'message', meaning });

/** Cloud API error codes (Meta's "Error codes" reference for the Cloud API and the Graph API). */
const WHATSAPP: Readonly<Record<number, FaultRule>> = {
  131026: citizen('message undeliverable: the number is not on WhatsApp, or cannot receive this message'),

  1: transient('API unknown error'),
  2: transient('API service temporarily unavailable'),
  4: transient('application call rate limit'),
  80007: transient('WhatsApp Business Account rate limit'),
  130429: transient('throughput rate limit'),
  131000: transient('something went wrong'),
  131016: transient('service unavailable'),
  131049: transient('Meta chose not to deliver this message now (ecosystem engagement)'),
  131056: transient('pair rate limit: too many messages to this number'),
  131057: transient('business account in maintenance mode'),
  133004: transient('server temporarily unavailable'),

  0: ourChannel('authentication failed'),
  3: ourChannel('the app lacks the capability or permission for this method'),
  10: ourChannel('permission denied'),
  190: ourChannel('access token expired or invalid'),
  368: ourChannel('temporarily blocked for policy violations'),
  131005: ourChannel('access denied'),
  131031: ourChannel('business account locked or restricted'),
  131037: ourChannel('display name not approved'),
  131042: ourChannel('payment or eligibility problem on the business account'),
  131045: ourChannel('phone number not registered properly (certificate)'),
  131048: ourChannel('spam rate limit: the number is restricted for its quality'),
  132000: ourChannel('template parameter count does not match'),
  132001: ourChannel('template does not exist in this language'),
  132007: ourChannel('template breaks the format policy'),
  132015: ourChannel('template paused for low quality'),
  132016: ourChannel('template disabled'),
  133000: ourChannel('incomplete deregistration of the phone number'),
  133005: ourChannel('two-step verification PIN mismatch'),
  133006: ourChannel('phone number needs re-verification'),
  133008: ourChannel('too many two-step verification PIN guesses'),
  133009: ourChannel('two-step verification PIN guessed too fast'),
  133010: ourChannel('phone number not registered'),

  100: ourMessage('invalid parameter'),
  131008: ourMessage('required parameter missing'),
  131009: ourMessage('parameter value not valid'),
  131021: ourMessage('recipient is the sender'),
  131047: ourMessage('more than 24 hours since the citizen last wrote: only a template may go'),
  131050: ourMessage('the citizen stopped marketing messages: this template must not be a marketing one'),
  131051: ourMessage('unsupported message type'),
  131052: ourMessage('media download error'),
  131053: ourMessage('media upload error'),
  132005: ourMessage('template text too long with these parameters'),
  132012: ourMessage('template parameter format does not match'),
  135000: ourMessage('generic user error in the request'),
};

/** Codes 200-299: Graph API permission errors. */
const WHATSAPP_PERMISSIONS = ourChannel('API permission missing');

/** The SMS gateway's error codes (messaging/sms/protocol.ts). */
const SMS: Readonly<Record<string, FaultRule>> = {
  invalid_number: citizen('not a mobile number the gateway can reach'),
  rate_limited: transient('gateway rate limit'),
  unavailable: transient('gateway temporarily unavailable'),
  unauthorized: ourChannel('gateway token missing or wrong'),
  rejected: ourChannel('the gateway refused our sender or template (DLT registration)'),
  bad_request: ourMessage('the gateway could not read the request'),
};

/** A code nobody listed: a human must look, and it is never the citizen's outcome. */
const UNKNOWN = ourChannel('an error code this system does not know');

/** Whose fault a Cloud API error code is. */
export function whatsappFaultRule(code: number): FaultRule {
  if (code >= 200 && code <= 299) return WHATSAPP_PERMISSIONS;
  return WHATSAPP[code] ?? UNKNOWN;
}

/** Whose fault an SMS gateway answer is: by its error code, else by the HTTP status. */
export function smsFaultRule(code: string | undefined, httpStatus: number): FaultRule {
  const known = code === undefined ? undefined : SMS[code];
  if (known) return known;
  if (httpStatus === 429) return SMS.rate_limited!;
  if (httpStatus >= 500) return SMS.unavailable!;
  if (httpStatus === 401 || httpStatus === 403) return SMS.unauthorized!;
  return UNKNOWN;
}

/** Phone-number-like digit runs, in case a channel's words ever echo the recipient: never in a reason. */
const NUMBER_LIKE = /\+?\d[\d\s-]{7,}\d/g;
/** A reason ops read in the Web UI and the CLI: the channel's words, short. */
const MAX_REASON = 300;

/**
 * A channel error, classified. `code` is `whatsapp:190`, `sms:unauthorized`: the DeliveryBlock code and the
 * DeliveryBlocked search attribute's value. `reason` is the channel's own words, without personal data.
 */
export class ChannelFault extends Error {
  readonly code: string;
  readonly faultClass: FaultClass;
  readonly scope: FaultScope;
  readonly reason: string;

  constructor(
    readonly channel: Channel,
    rawCode: string | number,
    rule: FaultRule,
    words: string | undefined,
    options?: ErrorOptions,
  ) {
    const reason = (words?.trim() || rule.meaning).replace(NUMBER_LIKE, '[number]').slice(0, MAX_REASON);
    const code = `${channel}:${rawCode}`;
    super(`${channel === 'whatsapp' ? 'WhatsApp' : 'SMS gateway'} ${rawCode} (${rule.faultClass}): ${reason}`, options);
    this.name = 'ChannelFault';
    this.code = code;
    this.faultClass = rule.faultClass;
    this.scope = rule.scope;
    this.reason = reason;
  }

  /** The block this fault puts on a closure, from `since`. */
  block(since: string): DeliveryBlock {
    return { channel: this.channel, code: this.code, reason: this.reason, since };
  }
}

/** A Cloud API error as a ChannelFault. */
export function whatsappFault(code: number, details: string | undefined, options?: ErrorOptions): ChannelFault {
  return new ChannelFault('whatsapp', code, whatsappFaultRule(code), details, options);
}

/** An SMS gateway refusal as a ChannelFault (`code` absent when the answer had no error envelope). */
export function smsFault(code: string | undefined, httpStatus: number, message: string | undefined): ChannelFault {
  return new ChannelFault('sms', code ?? `http_${httpStatus}`, smsFaultRule(code, httpStatus), message);
}
