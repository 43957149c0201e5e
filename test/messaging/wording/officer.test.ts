/** The officers' inbox says the same things in Hindi and English, with the same placeholders, and no phrase empty. */
import { OFFICER_WORDING } from '../../../messaging/wording/officer';

function phrases(node: unknown, at = ''): [string, unknown][] {
  if (typeof node !== 'object' || node === null) return [[at, node]];
  return Object.entries(node).flatMap(([key, value]) => phrases(value, at ? `${at}.${key}` : key));
}
const placeholders = (text: unknown) => [...String(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('Hindi and English define the same phrases with the same placeholders, none empty', () => {
  const hi = phrases(OFFICER_WORDING.hi);
  const en = new Map(phrases(OFFICER_WORDING.en));
  expect(hi.map(([at]) => at)).toEqual([...en.keys()]);
  for (const [at, text] of hi) {
    expect({ at, placeholders: placeholders(text), filled: typeof text === 'string' && text.trim().length > 0 }).toEqual({ at, placeholders: placeholders(en.get(at)), filled: true });
  }
});

test('Hindi is written in Devanagari and English is not', () => {
  expect(OFFICER_WORDING.hi.login.heading).toMatch(/[\u0900-\u097F]/);
  expect(phrases(OFFICER_WORDING.en).filter(([at, text]) => at !== 'common.otherLanguage' && /[\u0900-\u097F]/.test(String(text)))).toEqual([]);
});
