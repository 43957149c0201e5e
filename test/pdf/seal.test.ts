/** ATR seals: genuine ones verify, any alteration fails, and old keys keep verifying after rotation. */
import { ClosureSchema } from '../../contracts/closure';
import { AtrSealer, contentDigest, verificationUrl } from '../../pdf/seal';
import { makeClosure } from '../helpers/fixtures';

const K1 = { id: 'k1', secret: 'first-secret-0123456789abcdefghijklmno' };
const K2 = { id: 'k2', secret: 'second-secret-0123456789abcdefghijklmn' };
const closure = ClosureSchema.parse(makeClosure({ grievanceId: 'G77' }));

describe('ATR seals', () => {
  test('verifies a seal it made', () => {
    const sealer = new AtrSealer([K1]);
    const seal = sealer.seal(closure, 'ATR-7');
    expect(seal).toMatchObject({ atrId: 'ATR-7', grievanceId: 'G77', disposedOn: '2026-11-27', keyId: 'k1' });
    expect(sealer.check(seal)).toBe(true);
  });

  test.each(['atrId', 'grievanceId', 'disposedOn', 'digest', 'signature'] as const)('rejects a seal whose %s was altered', (field) => {
    const sealer = new AtrSealer([K1]);
    const seal = sealer.seal(closure, 'ATR-7');
    const altered = { ...seal, [field]: field === 'disposedOn' ? '2026-11-28' : `${seal[field].slice(0, -1)}${seal[field].endsWith('A') ? 'B' : 'A'}` };
    expect(sealer.check(altered)).toBe(false);
  });

  test('rejects a seal made with a key it does not hold', () => {
    expect(new AtrSealer([K1]).check(new AtrSealer([K2]).seal(closure, 'ATR-7'))).toBe(false);
    expect(new AtrSealer([K1]).check({ ...new AtrSealer([K1]).seal(closure, 'ATR-7'), keyId: 'k9' })).toBe(false);
  });

  test('keeps verifying ATRs sealed with a retired key after rotation', () => {
    const old = new AtrSealer([K1]).seal(closure, 'ATR-7');
    const rotated = new AtrSealer([K2, K1]);
    expect(rotated.check(old)).toBe(true);
    expect(rotated.seal(closure, 'ATR-8').keyId).toBe('k2');
  });

  test('changes the digest when anything the ATR says changes', () => {
    const base = contentDigest(closure, 'ATR-7');
    expect(contentDigest({ ...closure, actionTaken: `${closure.actionTaken}.` }, 'ATR-7')).not.toBe(base);
    expect(contentDigest({ ...closure, citizen: { ...closure.citizen, name: 'किसी और का नाम' } }, 'ATR-7')).not.toBe(base);
    expect(contentDigest({ ...closure, citizen: { ...closure.citizen, phone: '+919999999999' } }, 'ATR-7')).toBe(base); // not on the ATR
  });

  test('puts every part in the verification URL', () => {
    const url = new URL(verificationUrl('https://sampark.example.in/', new AtrSealer([K1]).seal(closure, 'ATR/2026/7')));
    expect(url.pathname).toBe('/v1/atr/verify');
    expect([...url.searchParams.keys()]).toEqual(['atr', 'g', 'd', 'h', 'k', 's']);
    expect(url.searchParams.get('atr')).toBe('ATR/2026/7');
  });
});
