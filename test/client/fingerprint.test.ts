/** A closure's fingerprint for the intake: same content, same digest; a change is named by its field path, never its value. */
import { AtrClient } from '../../client';
import { differingFields, fingerprintClosure } from '../../client/fingerprint';
import { makeClosure } from '../helpers/fixtures';

const validated = (over: Parameters<typeof makeClosure>[0] = {}) => AtrClient.validateClosure(makeClosure({ grievanceId: 'G-FP-1', ...over }));

test('gives the same fingerprint to the same closure however it was written (key order, phone format, defaults)', () => {
  const a = validated();
  const { officer, citizen, ...rest } = makeClosure({ grievanceId: 'G-FP-1' });
  const reordered = AtrClient.validateClosure({ citizen: { ...citizen, phone: '+91 98765-43210' }, officer: { designation: officer!.designation, name: officer!.name }, ...rest, attachments: [] });
  expect(fingerprintClosure(reordered)).toEqual(fingerprintClosure(a));
});

test('names each differing field by its path, and holds no value of the closure', () => {
  const a = fingerprintClosure(validated());
  const b = fingerprintClosure(
    validated({
      subject: 'a changed subject',
      citizen: { name: 'राम कुमार शर्मा', phone: '9812345678', language: 'hi' },
      atrNumber: 'ATR/2026/7',
      attachments: [{ name: 'photo.jpg' }],
    }),
  );
  expect(b.contentSha256).not.toBe(a.contentSha256);
  expect(differingFields(a.fieldDigests, b.fieldDigests)).toEqual(['atrNumber', 'attachments', 'citizen.phone', 'subject']);
  const stored = JSON.stringify(b);
  for (const value of ['a changed subject', '9812345678', 'राम', 'photo.jpg', 'ATR/2026/7']) expect(stored).not.toContain(value);
});
