/**
 * Graph API errors as the Cloud API returns them: the `(#code) title` message, `OAuthException` type,
 * `error_data.details` and a random `fbtrace_id`. Titles follow Meta's error-code page; Meta says to key on
 * `code` and `details`, so the titles are informative only.
 */
import { randomBytes } from 'node:crypto';
import type { GraphErrorResponse } from '../../messaging/whatsapp/protocol';

/** Titles from Meta's error-code reference (abridged where Meta's own is a sentence). */
const TITLES: Record<number, string> = {
  0: 'AuthException',
  1: 'API Unknown',
  2: 'API Service',
  3: 'API Method',
  4: 'API Too Many Calls',
  10: 'Permission Denied',
  100: 'Invalid parameter',
  190: 'Access token has expired',
  368: 'Temporarily blocked for policies violations',
  80007: 'Rate limit issues',
  130429: 'Rate limit hit',
  130472: "User's number is part of an experiment",
  131000: 'Something went wrong',
  131005: 'Access denied',
  131008: 'Required parameter is missing',
  131009: 'Parameter value is not valid',
  131016: 'Service unavailable',
  131021: 'Recipient cannot be sender',
  131026: 'Message undeliverable',
  131031: 'Account has been locked',
  131042: 'Business eligibility payment issue',
  131047: 'Re-engagement message',
  131048: 'Spam rate limit hit',
  131049: 'Meta chose not to deliver',
  131050: 'User has stopped marketing messages',
  131051: 'Unsupported message type',
  131052: 'Media download error',
  131053: 'Media upload error',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  131057: 'Account in maintenance mode',
  132000: 'Number of parameters does not match the expected number of params',
  132001: 'Template does not exist',
  132005: 'Translated text too long',
  132007: 'Template Format Character Policy Violated',
  132012: 'Parameter format does not match format in the created template',
  132015: 'Template is Paused',
  132016: 'Template is Disabled',
  133004: 'Server temporarily unavailable',
};

// Meta's error-code reference gives no HTTP status per code, so we follow the most common third-party
// mapping; our client keys on `code`, never on the status.
const HTTP_STATUS: Record<number, number> = {
  0: 401,
  190: 401,
  4: 429,
  80007: 429,
  130429: 429,
  131056: 429,
  1: 500,
  131000: 500,
  2: 503,
  131016: 503,
  133004: 503,
};

/** A Cloud API error to answer with (or to put in a `failed` status). */
export class GraphError extends Error {
  readonly http: number;

  constructor(
    readonly code: number,
    readonly details: string,
    http?: number,
    readonly subcode?: number,
  ) {
    super(`(#${code}) ${graphTitle(code)}`);
    this.name = 'GraphError';
    this.http = http ?? HTTP_STATUS[code] ?? 400;
  }

  /** The response envelope, with a fresh fbtrace_id like every Graph answer. */
  toResponse(): GraphErrorResponse {
    return {
      error: {
        message: this.message,
        type: 'OAuthException',
        code: this.code,
        ...(this.subcode !== undefined ? { error_subcode: this.subcode } : {}),
        error_data: { messaging_product: 'whatsapp', details: this.details },
        fbtrace_id: randomBytes(16).toString('base64url').slice(0, 23),
      },
    };
  }
}

/** The title Meta gives a code (a neutral one for codes we do not list). */
export function graphTitle(code: number): string {
  return TITLES[code] ?? 'Simulated error';
}

/** Graph's answer for an object id that does not exist (unknown phone number id, media id, path). */
export function unknownObject(id: string, method: 'get' | 'post' | 'delete'): GraphError {
  return new GraphError(
    100,
    `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    400,
    33,
  );
}

/** `href` of the error objects in `failed` statuses, as Meta's webhooks show it. */
export const ERROR_CODES_HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

/** Meta's details for the delivery failures it reports asynchronously (in a `failed` status). */
const DELIVERY_DETAILS: Record<number, string> = {
  131026: 'Message Undeliverable: the recipient phone number is not a WhatsApp phone number.',
  131047: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  131049: 'In order to maintain healthy ecosystem engagement, the message failed to be delivered.',
  131053: 'Media upload error: the media could not be downloaded or processed.',
  131009: 'Parameter value is not valid: the message reacted to is not a message of this conversation.',
};

/** A delivery failure: what a `failed` status will carry. */
export interface DeliveryFailure {
  code: number;
  details: string;
}

/** The failure for a code, with Meta's details unless others are given. */
export function deliveryFailure(code: number, details?: string): DeliveryFailure {
  return { code, details: details ?? DELIVERY_DETAILS[code] ?? 'Simulated delivery failure.' };
}

/** The error object of a `failed` status: `{code, title, message, error_data: {details}, href}`. */
export function statusError(failure: DeliveryFailure) {
  const title = graphTitle(failure.code);
  return { code: failure.code, title, message: title, error_data: { details: failure.details }, href: ERROR_CODES_HREF };
}
