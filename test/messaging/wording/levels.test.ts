/**
 * True words: every message, prompt and the PDF name the level a "not satisfied" actually goes to
 * (escalationStartLevel: cycle 1 the department's officer in the district, 2 the collector's office, 3 and above
 * or misconduct the state), in both languages; no phrase says "a higher level" any more.
 */
import { LANGUAGES, ClosureSchema } from '../../../contracts/closure';
import { escalationStartLevel } from '../../../contracts/escalation';
import { WORDING, messageText } from '../../../messaging/wording';
import { renderAtrPdf } from '../../../pdf/atr/render';
import { pdfToText } from '../../../tools/scripts/raster';
import { makeClosure } from '../../helpers/fixtures';

const LEVELS = [1, 2, 3] as const;

test('the three levels have their own words in both languages, and no phrase speaks of "a higher level"', () => {
  for (const language of LANGUAGES) {
    expect(new Set(LEVELS.map((l) => WORDING[language].levels[l])).size).toBe(3);
    expect(JSON.stringify(WORDING[language])).not.toMatch(/higher level|उच्च स्तर/);
  }
  expect(WORDING.en.levels).toEqual({ 1: "the department's officer in your district", 2: "the District Collector's office", 3: "the state's Public Grievance Redressal Department" });
  expect(WORDING.hi.levels[2]).toBe('जिला कलेक्टर कार्यालय');
});

test('the ESCALATED acknowledgement and the comment prompt name the level they are given, in both languages', () => {
  for (const language of LANGUAGES) {
    for (const level of LEVELS) {
      const name = WORDING[language].levels[level];
      expect(messageText({ kind: 'ACKNOWLEDGEMENT', grievanceId: 'G1', ack: 'ESCALATED', level }, language)).toContain(name);
      expect(messageText({ kind: 'COMMENT_PROMPT', grievanceId: 'G1', level }, language)).toContain(name);
      expect(messageText({ kind: 'COMMENT_PROMPT', grievanceId: 'G1', level, commentRequired: true }, language)).toContain(name);
    }
  }
});

test('after "Other reason" the comment prompt asks for the reason itself', () => {
  expect(messageText({ kind: 'COMMENT_PROMPT', grievanceId: 'G1', level: 1, commentRequired: true }, 'en')).toContain('please type the reason');
  expect(messageText({ kind: 'COMMENT_PROMPT', grievanceId: 'G1', level: 1 }, 'en')).not.toContain('please type the reason');
  expect(messageText({ kind: 'COMMENT_PROMPT', grievanceId: 'G1', level: 1, commentRequired: true }, 'hi')).toContain('कृपया कारण लिखकर भेजें');
});

test('the level follows the cycle, and misconduct goes to the state whatever the cycle', () => {
  expect([1, 2, 3, 4].map((cycle) => escalationStartLevel(cycle))).toEqual([1, 2, 3, 3]);
  expect(escalationStartLevel(1, 'MISCONDUCT')).toBe(3);
  expect(escalationStartLevel(1, 'OTHER')).toBe(1);
});

test("the PDF's feedback section names the level of its cycle in both languages", async () => {
  for (const [cycle, level] of [[1, 1], [2, 2], [3, 3]] as const) {
    const closure = ClosureSchema.parse(makeClosure({ grievanceId: `G-LEVEL-${cycle}`, cycle }));
    const { pdf } = await renderAtrPdf(closure, `ATR-LEVEL-${cycle}`, 'https://sampark.example.in/v1/atr/verify?atr=x');
    // Lines wrap anywhere: compare the text with all white space removed.
    const text = pdfToText(pdf, false).replace(/\s+/g, '');
    for (const language of LANGUAGES) expect({ cycle, language, found: text.includes(WORDING[language].levels[level].replace(/\s+/g, '')) }).toEqual({ cycle, language, found: true });
  }
});
