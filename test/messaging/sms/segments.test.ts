/**
 * SMS texts cost as few segments as their wording allows: the counter follows 3GPP's rules (GSM-7 160/153 septets,
 * UCS-2 70/67 units), and every SMS a citizen can receive, in both languages, with realistic values in its
 * placeholders, stays within its stated budget.
 */
import { LANGUAGES } from '../../../contracts/closure';
import { smsSegments } from '../../../messaging/sms/segments';
import { WORDING, fill, smsText } from '../../../messaging/wording';

/** Realistic values: a 13-digit grievance number, and the link as PUBLIC_BASE_URL makes it (an https host, /atr/, 22 characters). */
const GRIEVANCE_ID = '2026112800042';
const LINK = `https://sampark.rajasthan.gov.in/atr/${'x'.repeat(22)}`;

test('counts GSM-7 texts in septets: 160 in one SMS, 153 per part, an extension character as two', () => {
  expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
  expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
  expect(smsSegments('a'.repeat(306)).segments).toBe(2);
  expect(smsSegments('a'.repeat(307)).segments).toBe(3);
  expect(smsSegments('{'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
  // An escape and its character stay in one part: 152 septets, then a two-septet character, fill 154 > 153.
  expect(smsSegments(`${'a'.repeat(152)}€${'a'.repeat(153)}`).segments).toBe(3);
});

test('counts any other text as UCS-2: 70 units in one SMS, 67 per part (the Hindi SMS of 161 characters costs three)', () => {
  expect(smsSegments('क'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
  expect(smsSegments('क'.repeat(71)).segments).toBe(2);
  expect(smsSegments('क'.repeat(134)).segments).toBe(2);
  expect(smsSegments('क'.repeat(135)).segments).toBe(3);
  expect(smsSegments('क'.repeat(161)).segments).toBe(3);
  // One non-GSM character (the rupee sign) makes an English text UCS-2.
  expect(smsSegments(`Fee ₹10 ${'a'.repeat(70)}`).encoding).toBe('UCS-2');
});

/** Every SMS text a citizen can receive, by language, with its budget in segments. */
const BUDGETS = { hi: { atrLink: 2 }, en: { atrLink: 1 } } as const;

test('every SMS text stays within its segment budget in both languages, with realistic values', () => {
  for (const language of LANGUAGES) {
    const texts = Object.keys(WORDING[language].sms) as (keyof typeof BUDGETS.hi)[];
    expect(texts.sort()).toEqual(Object.keys(BUDGETS[language]).sort());
    for (const key of texts) {
      const text = key === 'atrLink' ? smsText(GRIEVANCE_ID, language, LINK) : fill(WORDING[language].sms[key], { id: GRIEVANCE_ID, link: LINK });
      const { segments, units } = smsSegments(text);
      expect({ language, key, segments, units }).toEqual({ language, key, segments: Math.min(segments, BUDGETS[language][key]), units });
    }
  }
});
