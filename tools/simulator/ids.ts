/** Identifiers the simulator hands out (wamids, media ids) and phone-number normalisation. */
import { randomBytes, randomInt } from 'node:crypto';

/** Creates wamids and media ids unique to one simulator instance (and, by the random prefix, across runs). */
export class IdFactory {
  private seq = 0;
  private readonly instance = randomBytes(6).toString('hex').toUpperCase();
  private readonly mediaPrefix = String(randomInt(100_000, 999_999));

  /** A wamid shaped like Meta's (`wamid.` + base64 of an opaque, recipient-bound value). */
  wamid(waId: string): string {
    this.seq += 1;
    const opaque = `\u001c\u0018\f${waId}\u0015\u0002\u0000\u0012\u0018\u0014${this.instance}${this.seq.toString(16).toUpperCase().padStart(8, '0')}\u0000`;
    return `wamid.${Buffer.from(opaque, 'latin1').toString('base64')}`;
  }

  /** A numeric-string media id (Meta's are 15-16 digits). */
  mediaId(): string {
    this.seq += 1;
    return `${this.mediaPrefix}${String(this.seq).padStart(10, '0')}`;
  }
}

/**
 * Meta's reading of `to`: `+`, spaces, hyphens, dots and parentheses are accepted; the wa_id is the digits.
 * Without a `+`, Meta prepends the business number's country code; we do that only for a bare national
 * (10-digit) number, since a full number without `+` (e.g. 9198…) is what most integrations send and Meta
 * delivers it as such. Returns undefined for anything that is not a phone number.
 */
export function toWaId(input: string, countryCode: string): string | undefined {
  if (!/^\+?[\d\s().-]+$/.test(input.trim())) return undefined;
  const full = numberKey(input, countryCode);
  return full.length >= 8 && full.length <= 15 ? full : undefined;
}

/** A number in any format (`+91…`, `%2B91…` decoded, `91…`, a bare national number) as wa_id digits. */
export function numberKey(input: string, countryCode = '91'): string {
  const digits = input.replace(/\D/g, '');
  return !input.trim().startsWith('+') && digits.length === 10 ? `${countryCode}${digits}` : digits;
}
