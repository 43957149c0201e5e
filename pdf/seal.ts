/**
 * Makes an ATR checkable as genuine. The QR code on the ATR carries a verification URL with the ATR's
 * id, grievance, disposal date, a digest of everything the ATR says, and an HMAC-SHA256 signature over
 * them under a key only the department holds. GET /v1/atr/verify recomputes the signature (tampering with
 * any part of the URL fails) and compares the digest with the stored ATR (a doctored copy fails).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Closure } from '../contracts/closure';

/** A signing key; the first in a keyring signs, all of them verify (rotation). */
export interface SealKey {
  id: string;
  secret: string;
}

/** What the verification URL carries. */
export interface AtrSeal {
  atrId: string;
  grievanceId: string;
  /** Disposal date in IST, YYYY-MM-DD. */
  disposedOn: string;
  /** base64url of the first 16 bytes of SHA-256 over the ATR's content. */
  digest: string;
  keyId: string;
  signature: string;
}

const b64url = (buf: Buffer) => buf.toString('base64url');

/** The disposal date as the citizen knows it (IST). */
export function istDate(iso: string): string {
  return new Date(Date.parse(iso) + 330 * 60_000).toISOString().slice(0, 10);
}

/** A digest of everything the ATR shows, independent of layout and PDF bytes. */
export function contentDigest(closure: Closure, atrId: string): string {
  const canonical = JSON.stringify([
    'sampark-atr-content-v1',
    atrId,
    closure.grievanceId,
    closure.cycle,
    closure.registeredAt,
    closure.disposedAt,
    [closure.department.code, closure.department.nameEn, closure.department.nameHi ?? ''],
    [closure.district.code, closure.district.nameEn, closure.district.nameHi ?? ''],
    [closure.officer.name, closure.officer.designation],
    closure.citizen.name,
    closure.subject,
    closure.actionTaken,
    closure.attachments.map((a) => [a.name, a.url ?? '']),
  ]).normalize('NFC');
  return b64url(createHash('sha256').update(canonical).digest().subarray(0, 16));
}

function sign(secret: string, s: Omit<AtrSeal, 'signature' | 'keyId'>): string {
  const message = ['sampark-atr-seal-v1', s.atrId, s.grievanceId, s.disposedOn, s.digest].join('|');
  return b64url(createHmac('sha256', secret).update(message).digest().subarray(0, 16));
}

/** Seals ATRs and checks seals against a keyring. */
export class AtrSealer {
  constructor(private readonly keys: readonly SealKey[]) {
    if (keys.length === 0) throw new Error('at least one ATR signing key is needed');
  }

  /** The seal of an ATR, signed with the current key. */
  seal(closure: Closure, atrId: string): AtrSeal {
    const key = this.keys[0]!;
    const unsigned = { atrId, grievanceId: closure.grievanceId, disposedOn: istDate(closure.disposedAt), digest: contentDigest(closure, atrId) };
    return { ...unsigned, keyId: key.id, signature: sign(key.secret, unsigned) };
  }

  /**
   * The citizen's link page token for a closure (/atr/:token, the WhatsApp template's "View ATR" button):
   * 128 bits of HMAC under the current key, so every send of one closure (retries, resends, reminders) carries
   * the same link and the token itself is never stored, only its hash. A rotated key gives a new token; the
   * old one stays valid until it expires.
   */
  linkToken(workflowId: string): string {
    return b64url(createHmac('sha256', this.keys[0]!.secret).update(`sampark-atr-link-v1|${workflowId}`).digest().subarray(0, 16));
  }

  /** Whether a seal was made by one of our keys and is unaltered. */
  check(seal: AtrSeal): boolean {
    const key = this.keys.find((k) => k.id === seal.keyId);
    if (!key) return false;
    const expected = Buffer.from(sign(key.secret, seal));
    const given = Buffer.from(seal.signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/** The URL printed in the QR code. */
export function verificationUrl(publicBaseUrl: string, s: AtrSeal): string {
  const q = new URLSearchParams({ atr: s.atrId, g: s.grievanceId, d: s.disposedOn, h: s.digest, k: s.keyId, s: s.signature });
  return `${publicBaseUrl.replace(/\/$/, '')}/v1/atr/verify?${q.toString()}`;
}
