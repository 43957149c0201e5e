/**
 * Names and texts refuse characters that hide or reorder what is shown (bidi overrides and isolates,
 * invisible spaces), with a field error naming the character, while the joiners written Hindi needs stay.
 */
import { ClosureSchema, FeedbackRequestSchema, toFieldErrors } from '../../contracts/closure';
import { makeClosure } from '../helpers/fixtures';

function closureErrors(patch: (c: ReturnType<typeof makeClosure>) => void): Record<string, string> {
  const closure = makeClosure();
  patch(closure);
  const parsed = ClosureSchema.safeParse(closure);
  return parsed.success ? {} : Object.fromEntries(toFieldErrors(parsed.error).map((f) => [f.field, f.message]));
}

const REFUSED = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200B', '\u2060', '\uFEFF'];

test.each(REFUSED.map((c) => [`U+${c.codePointAt(0)!.toString(16).toUpperCase()}`, c]))('refuses %s in a citizen name, naming the field and the character', (code, c) => {
  expect(closureErrors((x) => (x.citizen.name = `Ram${c}esh Kumar`))).toEqual({ 'citizen.name': `must not contain ${code} (an invisible or text-direction control character)` });
});

test('refuses them in every name and text of a closure: officer, department, subject, action taken, attachments', () => {
  const errors = closureErrors((x) => {
    x.officer.name = 'A\u202EB';
    x.officer.designation = 'Junior\u200BEngineer';
    x.department.nameEn = 'PHED\u2066';
    x.subject = 'Water \u2067supply';
    x.actionTaken = 'Pipeline repaired\uFEFF today';
    x.attachments = [{ name: 'photo\u202D.jpg' }];
  });
  expect(Object.keys(errors).sort()).toEqual(['actionTaken', 'attachments.0.name', 'department.nameEn', 'officer.designation', 'officer.name', 'subject']);
});

test('keeps ZWJ and ZWNJ where Hindi uses them, and a ZWJ inside an emoji sequence', () => {
  expect(closureErrors((x) => (x.citizen.name = 'क्\u200Dष्णा कुमारी'))).toEqual({}); // half form
  expect(closureErrors((x) => (x.actionTaken = 'क्\u200Cष और र्\u200Dय'))).toEqual({}); // no conjunct; eyelash ra
  expect(FeedbackRequestSchema.safeParse({ rating: 'SATISFIED', comment: 'धन्यवाद 👩\u200D🔧' }).success).toBe(true);
});

test('refuses ZWJ and ZWNJ where they can only hide something: Latin text, the start, after a space', () => {
  expect(closureErrors((x) => (x.citizen.name = 'Ram\u200Desh'))).toEqual({ 'citizen.name': expect.stringContaining('U+200D') });
  expect(closureErrors((x) => (x.subject = 'Water\u200Csupply'))).toEqual({ subject: expect.stringContaining('U+200C') });
  expect(closureErrors((x) => (x.officer.name = 'श्याम \u200Dलाल'))).toEqual({ 'officer.name': expect.stringContaining('U+200D') });
});

test("refuses them in feedback's comment with a field error", () => {
  const parsed = FeedbackRequestSchema.safeParse({ rating: 'NOT_SATISFIED', reason: 'OTHER', comment: 'not fixed \u202Edexif' });
  expect(parsed.success).toBe(false);
  expect(toFieldErrors(parsed.error!)).toEqual([{ field: 'comment', message: 'must not contain U+202E (an invisible or text-direction control character)' }]);
});
