/**
 * The event feed's signature, made like Meta's X-Hub-Signature-256: `sha256=` and the hex HMAC-SHA256 of the
 * raw request body under the shared secret (PORTAL_EVENTS_SECRET). The portal verifies it over the bytes it
 * received, before parsing them, and compares in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature header's value for a body. */
export function signPortalEvent(rawBody: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** Whether a signature header's value is the body's under the secret. */
export function verifyPortalEventSignature(rawBody: string | Buffer, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(signPortalEvent(rawBody, secret));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
