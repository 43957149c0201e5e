/**
 * How many SMS segments a text costs (3GPP TS 23.038 / 23.040): a text of GSM-7 characters only holds 160 septets
 * in one SMS, 153 in each part of a longer one (the rest is the concatenation header), and an extension character
 * ({ } [ ] \ ^ ~ | €, form feed) takes two septets and never straddles parts; any other character (Devanagari)
 * makes the whole text UCS-2: 70 UTF-16 units in one SMS, 67 per part, and a surrogate pair never straddles parts.
 * Gateways bill per segment, and a long message arrives late or in pieces on a cheap phone.
 */

/** The GSM 03.38 default alphabet (one septet each). */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension table: an escape septet and the character. */
const GSM7_EXTENDED = '\f^{}\\[~]|€';

/** An SMS text's encoding and cost. */
export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 units (UCS-2). */
  units: number;
  segments: number;
}

/** Counts the segments `text` costs. */
export function smsSegments(text: string): SmsSegments {
  const chars = [...text];
  if (chars.every((c) => GSM7_BASIC.includes(c) || GSM7_EXTENDED.includes(c))) {
    return pack('GSM-7', chars.map((c) => (GSM7_EXTENDED.includes(c) ? 2 : 1)), 160, 153);
  }
  return pack('UCS-2', chars.map((c) => c.length), 70, 67);
}

/** Fills parts of `perPart` units with characters of the given widths, none split across two parts. */
function pack(encoding: SmsSegments['encoding'], widths: number[], single: number, perPart: number): SmsSegments {
  const units = widths.reduce((a, b) => a + b, 0);
  if (units <= single) return { encoding, units, segments: units === 0 ? 0 : 1 };
  let segments = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > perPart) {
      segments++;
      used = 0;
    }
    used += w;
  }
  return { encoding, units, segments };
}
