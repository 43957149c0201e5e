/** Closure and feedback validation: every bad field is named, nothing reaches Temporal. */
import { AtrClient, ValidationError } from '../../client';
import { ClosureSchema, FeedbackRequestSchema, MAX_CLOCK_SKEW_MS, normalizePhone, toFieldErrors, unknownFields } from '../../contracts/closure';
import { makeClosure } from '../helpers/fixtures';

function fieldsOf(input: unknown): Record<string, string> {
  try {
    AtrClient.validateClosure(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return Object.fromEntries((err as ValidationError).fields.map((f) => [f.field, f.message]));
  }
  throw new Error('expected a ValidationError');
}

describe('closure validation', () => {
  test('accepts a realistic closure and fills in the defaults', () => {
    const { cycle: _cycle, ...withoutCycle } = makeClosure();
    const closure = AtrClient.validateClosure(withoutCycle);
    expect(closure.cycle).toBe(1);
    expect(closure.attachments).toEqual([]);
    expect(closure.citizen.phone).toBe('+919876543210');
  });

  test.each([
    ['9876543210', '+919876543210'],
    ['09876543210', '+919876543210'],
    ['919876543210', '+919876543210'],
    ['+91 98765-43210', '+919876543210'],
    ['+14155550123', '+14155550123'],
  ])('normalises the mobile number %s to %s', (raw, e164) => {
    expect(normalizePhone(raw)).toBe(e164);
  });

  test('names every missing field', () => {
    const fields = fieldsOf({ grievanceId: 'G1' });
    for (const f of ['registeredAt', 'disposedAt', 'department', 'district', 'officer', 'citizen', 'subject', 'actionTaken']) {
      expect(fields[f]).toBe('is required');
    }
  });

  test('names each invalid nested field with its path', () => {
    const fields = fieldsOf(
      makeClosure({
        citizen: { name: 'राम', phone: '12345', language: 'fr' as 'hi' },
        department: { code: 'has space', nameEn: 'X' },
        registeredAt: 'yesterday',
        cycle: 0,
      }),
    );
    expect(Object.keys(fields).sort()).toEqual(['citizen.language', 'citizen.phone', 'cycle', 'department.code', 'registeredAt'].sort());
    expect(fields['citizen.phone']).toMatch(/mobile number/);
  });

  test('refuses a grievance id that could not live in a workflow id or URL', () => {
    expect(fieldsOf(makeClosure({ grievanceId: 'G 1/../x' })).grievanceId).toMatch(/letters, digits/);
  });

  test('refuses control characters, empty text and an over-long action text', () => {
    const fields = fieldsOf(makeClosure({ subject: 'bad\u0007bell', officer: { name: '   ', designation: 'AEN' }, actionTaken: 'क'.repeat(20_001) }));
    expect(fields.subject).toMatch(/control characters/);
    expect(fields['officer.name']).toBe('must not be empty');
    expect(fields.actionTaken).toBe('must be at most 20000 characters');
  });

  test('refuses an empty subject: the client is the one boundary, the activities trust what it let through', () => {
    expect(fieldsOf({ ...makeClosure(), subject: '' }).subject).toBe('must not be empty');
  });

  test('ignores unknown fields outside personal data, and names them', () => {
    const closure = { ...makeClosure(), portalRef: 'P-1', department: { ...makeClosure().department, headName: 'x' }, attachments: [{ name: 'a.pdf', size: 10 }] };
    expect(AtrClient.validateClosure(closure)).not.toHaveProperty('portalRef');
    expect(unknownFields(ClosureSchema, closure)).toEqual(['department.headName', 'portalRef', 'attachments.0.size']);
  });

  test('refuses unknown fields inside citizen and officer, which hold personal data, and inside feedbackPolicy', () => {
    const closure = makeClosure();
    const fields = fieldsOf({ ...closure, citizen: { ...closure.citizen, email: 'a@b.in' }, officer: { ...closure.officer, mobile: '9' }, feedbackPolicy: { feedbackWindowHour: 1 } });
    expect(Object.keys(fields).sort()).toEqual(['citizen', 'feedbackPolicy', 'officer']);
    expect(fields.citizen).toMatch(/email/);
    expect(unknownFields(ClosureSchema, { ...closure, citizen: { ...closure.citizen, email: 'a@b.in' } })).toEqual([]);
  });

  test('refuses registeredAt and disposedAt more than the clock-skew allowance in the future, and takes them within it', () => {
    const later = (ms: number) => new Date(Date.now() + ms).toISOString();
    const fields = fieldsOf(makeClosure({ registeredAt: later(MAX_CLOCK_SKEW_MS + 60_000), disposedAt: later(365 * 86_400_000) }));
    expect(fields).toEqual({ registeredAt: 'must not be in the future (more than 5 minutes ahead of our clock)', disposedAt: 'must not be in the future (more than 5 minutes ahead of our clock)' });
    expect(AtrClient.validateClosure(makeClosure({ disposedAt: later(MAX_CLOCK_SKEW_MS - 60_000) })).disposedAt).toBeDefined();
  });

  test('refuses a disposal dated before registration', () => {
    expect(fieldsOf(makeClosure({ registeredAt: '2026-11-28T10:00:00+05:30', disposedAt: '2026-11-01T10:00:00+05:30' })).disposedAt).toBe(
      'must not be before registeredAt',
    );
  });

  test('refuses reminders out of order in a feedback policy override', () => {
    expect(fieldsOf(makeClosure({ feedbackPolicy: { reminderOffsetsHours: [72, 24] } }))['feedbackPolicy.reminderOffsetsHours']).toBe(
      'must be in increasing order',
    );
  });
});

describe('feedback validation', () => {
  test('defaults the channel to the helpline and names a bad rating and reason', () => {
    expect(FeedbackRequestSchema.parse({ rating: 'SATISFIED' }).channel).toBe('helpline');
    const result = FeedbackRequestSchema.safeParse({ rating: 'MAYBE', reason: 'BORED' });
    expect(result.success).toBe(false);
    const fields = toFieldErrors(result.error!).map((f) => f.field);
    expect(fields.sort()).toEqual(['rating', 'reason']);
  });

  test('refuses a receivedAt in the future, and ignores unknown fields', () => {
    const result = FeedbackRequestSchema.safeParse({ rating: 'SATISFIED', receivedAt: new Date(Date.now() + 3_600_000).toISOString(), callCentre: 'JPR' });
    expect(toFieldErrors(result.error!)).toEqual([{ field: 'receivedAt', message: 'must not be in the future (more than 5 minutes ahead of our clock)' }]);
    expect(unknownFields(FeedbackRequestSchema, { rating: 'SATISFIED', callCentre: 'JPR' })).toEqual(['callCentre']);
  });
});
