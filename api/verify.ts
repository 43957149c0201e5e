/**
 * ATR verification for whoever holds the document: the QR code's link answers whether the ATR is
 * genuine (our signature over its facts) and matches the ATR on record, as JSON for machines and a
 * small bilingual page for a phone that scanned the code.
 */
import { z } from 'zod';
import type { Store } from '../activities/ports';
import type { AtrSeal, AtrSealer } from '../pdf/seal';

/** The verification link's query parameters (see pdf/seal.ts verificationUrl). */
export const SealQuery = z
  .object({
    atr: z.string().min(1).max(64),
    g: z.string().min(1).max(64),
    d: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
    h: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a 22-character digest'),
    k: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'must be a key id'),
    s: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a 22-character signature'),
  })
  .strict();

/** What verification found. */
export interface Verification {
  genuine: boolean;
  matches: boolean;
  message: string;
  atr?: { atrId: string; grievanceId: string; disposedOn: string; departmentCode: string; districtCode: string };
}

/** Checks a seal against our keys and the ATR on record. */
export async function verifySeal(sealer: AtrSealer, store: Pick<Store, 'getAtrSeal'>, q: z.infer<typeof SealQuery>): Promise<Verification> {
  const seal: AtrSeal = { atrId: q.atr, grievanceId: q.g, disposedOn: q.d, digest: q.h, keyId: q.k, signature: q.s };
  if (!sealer.check(seal)) {
    return { genuine: false, matches: false, message: 'This ATR link was not issued by Rajasthan Sampark, or it has been altered.' };
  }
  const onRecord = await store.getAtrSeal(seal.atrId);
  const facts = { atrId: seal.atrId, grievanceId: seal.grievanceId, disposedOn: seal.disposedOn };
  if (!onRecord) return { genuine: true, matches: false, message: 'The signature is genuine, but no ATR with this number is on record here.', atr: undefined };
  const matches = onRecord.contentDigest === seal.digest && onRecord.grievanceId === seal.grievanceId;
  return {
    genuine: true,
    matches,
    message: matches
      ? 'Genuine: this ATR was issued by Rajasthan Sampark and matches the one on record.'
      : 'The signature is genuine, but the ATR on record has different content.',
    atr: { ...facts, departmentCode: onRecord.departmentCode, districtCode: onRecord.districtCode },
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A phone-friendly page for the same answer. */
export function verificationPage(v: Verification, documentUrl?: string): string {
  const ok = v.genuine && v.matches;
  const title = ok ? 'सत्यापित / Verified' : 'सत्यापन विफल / Not verified';
  const hi = ok
    ? 'यह कार्यवाही रिपोर्ट राजस्थान सम्पर्क द्वारा जारी की गई है और रिकॉर्ड से मेल खाती है।'
    : 'यह कार्यवाही रिपोर्ट सत्यापित नहीं हो सकी। सहायता हेतु 181 पर कॉल करें।';
  const rows = v.atr
    ? `<dl><dt>एटीआर संख्या / ATR No.</dt><dd>${esc(v.atr.atrId)}</dd><dt>शिकायत संख्या / Grievance No.</dt><dd>${esc(v.atr.grievanceId)}</dd>
<dt>निस्तारण दिनांक / Disposed on</dt><dd>${esc(v.atr.disposedOn.split('-').reverse().join('-'))}</dd>
<dt>विभाग / Department</dt><dd>${esc(v.atr.departmentCode)}</dd><dt>जिला / District</dt><dd>${esc(v.atr.districtCode)}</dd></dl>`
    : '';
  return `<!doctype html><html lang="hi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>body{font-family:system-ui,'Noto Sans Devanagari',sans-serif;margin:0;padding:24px;max-width:560px}
h1{font-size:1.4rem;color:${ok ? '#1b5e20' : '#b71c1c'}}dt{font-weight:600;margin-top:10px}dd{margin:2px 0 0}a{display:inline-block;margin-top:18px}</style></head>
<body><p>राजस्थान सम्पर्क · Rajasthan Sampark</p><h1>${title}</h1><p>${hi}</p><p>${esc(v.message)}</p>${rows}
${ok && documentUrl ? `<a href="${esc(documentUrl)}">मूल रिपोर्ट डाउनलोड करें / Download the original ATR (PDF)</a>` : ''}</body></html>`;
}
