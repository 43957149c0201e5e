/**
 * Understood replies: what a citizen may type instead of tapping a button, and the one parser that reads it as a
 * rating. The words are citizen input, not wording we send, but they are Hindi and Hinglish as citizens write
 * them, so they live beside the wording (the only runtime place Devanagari may stand). A reply counts only when
 * the whole message, normalised, is one of these: "नहीं, पानी अब भी भरा है" is a comment, not a rating.
 */
import type { Language, Rating } from '../../contracts/closure';

/** The words understood as each rating, per language (romanised Hindi counts as English script). */
export const UNDERSTOOD_REPLIES: Record<Language, Record<Rating, readonly string[]>> = {
  hi: {
    SATISFIED: ['संतुष्ट', 'सन्तुष्ट', 'संतुष्ट हूँ', 'मैं संतुष्ट हूँ', 'हाँ', 'हा', 'हाँ जी', 'जी हाँ', 'हाँ संतुष्ट', '१'],
    NOT_SATISFIED: [
      'असंतुष्ट',
      'असन्तुष्ट',
      'असंतुष्ट हूँ',
      'मैं असंतुष्ट हूँ',
      'नहीं',
      'नही',
      'ना',
      'जी नहीं',
      'नहीं जी',
      'संतुष्ट नहीं',
      'संतुष्ट नहीं हूँ',
      'मैं संतुष्ट नहीं हूँ',
      'नहीं संतुष्ट',
      '२',
    ],
  },
  en: {
    SATISFIED: ['1', 'yes', 'y', 'ya', 'yeah', 'yep', 'satisfied', 'i am satisfied', 'santusht', 'santust', 'santushth', 'santushta', 'haan', 'han', 'ha', 'haa', 'haan ji', 'han ji', 'ha ji', 'ji haan', 'ji han'],
    NOT_SATISFIED: [
      '2',
      'no',
      'n',
      'nope',
      'not satisfied',
      'unsatisfied',
      'dissatisfied',
      'i am not satisfied',
      'asantusht',
      'asantust',
      'asantushth',
      'asantushta',
      'nahi',
      'nahin',
      'nahee',
      'nai',
      'na',
      'ji nahi',
      'ji nahin',
      'santusht nahi',
      'santusht nahin',
      'nahi santusht',
    ],
  },
};

const NUKTA = /\u093C/g;
const CHANDRABINDU = /\u0901/g;
/** Zero-width joiners and other format characters that keyboards insert into Devanagari. */
const FORMAT = /[\u200B-\u200D\u2060\uFEFF]/g;
/** Punctuation, symbols and emoji (danda included): they separate words and never carry the answer. */
const NOT_WORD = /[^\p{L}\p{M}\p{N}]+/gu;
const DEVANAGARI_DIGIT = /[\u0966-\u096F]/g;

/**
 * A reply reduced to what matters for matching: decomposed, nukta dropped, chandrabindu as anusvara, format
 * characters gone, lower case, punctuation as spaces, Devanagari digits as ASCII, spaces collapsed.
 */
export function normaliseReply(text: string): string {
  return text
    .normalize('NFD')
    .replace(FORMAT, '')
    .replace(NUKTA, '')
    .replace(CHANDRABINDU, '\u0902')
    .replace(DEVANAGARI_DIGIT, (d) => String(d.charCodeAt(0) - 0x0966))
    .toLowerCase()
    .replace(NOT_WORD, ' ')
    .trim()
    .replace(/\s+/g, ' ')
    .normalize('NFC');
}

const TABLE: ReadonlyMap<string, Rating> = new Map(
  Object.values(UNDERSTOOD_REPLIES).flatMap((byRating) =>
    (Object.entries(byRating) as [Rating, readonly string[]][]).flatMap(([rating, words]) => words.map((w) => [normaliseReply(w), rating] as const)),
  ),
);

/** The rating a typed reply means, in any language we understand; undefined when it is anything else. */
export function understoodRating(text: string): Rating | undefined {
  return TABLE.get(normaliseReply(text));
}
