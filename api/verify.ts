/**
 * ATR verification for whoever holds the document: the QR code's link answers whether the ATR is
 * genuine (our signature over its facts) and matches the ATR on record, as JSON for machines and a
 * small bilingual page for a phone that scanned the code.
 */
import { z } from 'zod';
import type { Store } from '../activities/ports';
import { WORDING, citizenDate, inBothLanguages, type Bilingual } from '../messaging/wording';
import type { AtrSeal, AtrSealer } from '../pdf/seal';

/** The JSON answer's message is in English, the API's language; the page adds Hindi. */
const FINDINGS = WORDING.en.verification.findings;

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
export const VerificationSchema = z.object({
  genuine: z.boolean().describe('Our signature over the facts printed on the ATR is valid'),
  matches: z.boolean().describe('The ATR on record has the same facts'),
  message: z.string(),
  atr: z.object({ atrId: z.string(), grievanceId: z.string(), disposedOn: z.string(), departmentCode: z.string(), districtCode: z.string() }).optional(),
});
/** What verification found. */
export type Verification = z.infer<typeof VerificationSchema>;

/** Checks a seal against our keys and the ATR on record. */
export async function verifySeal(sealer: AtrSealer, store: Pick<Store, 'getAtrSeal'>, q: z.infer<typeof SealQuery>): Promise<Verification> {
  const seal: AtrSeal = { atrId: q.atr, grievanceId: q.g, disposedOn: q.d, digest: q.h, keyId: q.k, signature: q.s };
  if (!sealer.check(seal)) {
    return { genuine: false, matches: false, message: FINDINGS.notIssued };
  }
  const onRecord = await store.getAtrSeal(seal.atrId);
  const facts = { atrId: seal.atrId, grievanceId: seal.grievanceId, disposedOn: seal.disposedOn };
  if (!onRecord) return { genuine: true, matches: false, message: FINDINGS.notOnRecord, atr: undefined };
  const matches = onRecord.contentDigest === seal.digest && onRecord.grievanceId === seal.grievanceId;
  return {
    genuine: true,
    matches,
    message: matches ? FINDINGS.matches : FINDINGS.differs,
    atr: { ...facts, departmentCode: onRecord.departmentCode, districtCode: onRecord.districtCode },
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A phone-friendly page for the same answer. */
export function verificationPage(v: Verification, documentUrl?: string): string {
  const ok = v.genuine && v.matches;
  const { hi, en } = WORDING;
  const both = (b: Bilingual) => `${b.hi} / ${b.en}`;
  const result = ok ? 'verified' : 'notVerified';
  const title = both(inBothLanguages((w) => w.verification.title)[result]);
  const label = inBothLanguages((w) => w.document.labels);
  const rows = v.atr
    ? `<dl><dt>${both(label.atrNumber)}</dt><dd>${esc(v.atr.atrId)}</dd><dt>${both(label.grievanceNumber)}</dt><dd>${esc(v.atr.grievanceId)}</dd>
<dt>${both(label.disposedOn)}</dt><dd>${esc(citizenDate(v.atr.disposedOn))}</dd>
<dt>${both(label.department)}</dt><dd>${esc(v.atr.departmentCode)}</dd><dt>${both(label.district)}</dt><dd>${esc(v.atr.districtCode)}</dd></dl>`
    : '';
  return `<!doctype html><html lang="hi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>body{font-family:system-ui,'Noto Sans Devanagari',sans-serif;margin:0;padding:24px;max-width:560px}
h1{font-size:1.4rem;color:${ok ? '#1b5e20' : '#b71c1c'}}dt{font-weight:600;margin-top:10px}dd{margin:2px 0 0}a{display:inline-block;margin-top:18px}</style></head>
<body><p>${hi.names.sampark} · ${en.names.sampark}</p><h1>${title}</h1><p>${hi.verification.summary[result]}</p><p>${esc(v.message)}</p>${rows}
${ok && documentUrl ? `<a href="${esc(documentUrl)}">${both({ hi: hi.verification.download, en: en.verification.download })}</a>` : ''}</body></html>`;
}
