/** The one table of whose fault a channel error is: each class, the scope of our own faults, unknown codes. */
import { ChannelFault, smsFault, smsFaultRule, whatsappFault, whatsappFaultRule } from '../../messaging/faults';

const classOf = (code: number) => whatsappFaultRule(code).faultClass;

describe('whose fault a WhatsApp error is', () => {
  test('only 131026 is the citizen being unreachable', () => {
    expect(classOf(131026)).toBe('CITIZEN_UNREACHABLE');
  });

  test.each([4, 80007, 130429, 131056, 1, 2, 131000, 131016, 131057, 133004, 131049])('%i is transient', (code) => {
    expect(classOf(code)).toBe('TRANSIENT');
  });

  test.each([0, 10, 190, 200, 250, 299, 368, 131031, 131042, 132000, 132001, 132015, 132016])('%i is ours and holds the whole channel', (code) => {
    expect(whatsappFaultRule(code)).toMatchObject({ faultClass: 'OUR_SIDE', scope: 'channel' });
  });

  test.each([100, 131008, 131009, 131047, 131051, 131053])('%i is ours and holds only its message', (code) => {
    expect(whatsappFaultRule(code)).toMatchObject({ faultClass: 'OUR_SIDE', scope: 'message' });
  });

  test('an unknown code is ours, for a human to look at, never the citizen\'s outcome', () => {
    for (const code of [5, 999, 131099, 140000, 300]) expect(whatsappFaultRule(code)).toMatchObject({ faultClass: 'OUR_SIDE', scope: 'channel' });
  });
});

describe('whose fault an SMS gateway error is', () => {
  test('an invalid number is the citizen\'s; a refused token or sender ours; a rate limit or an outage transient', () => {
    expect(smsFaultRule('invalid_number', 400).faultClass).toBe('CITIZEN_UNREACHABLE');
    expect(smsFaultRule('unauthorized', 401)).toMatchObject({ faultClass: 'OUR_SIDE', scope: 'channel' });
    expect(smsFaultRule('rejected', 400)).toMatchObject({ faultClass: 'OUR_SIDE', scope: 'channel' });
    expect(smsFaultRule('bad_request', 400)).toMatchObject({ faultClass: 'OUR_SIDE', scope: 'message' });
    expect(smsFaultRule('rate_limited', 429).faultClass).toBe('TRANSIENT');
    expect(smsFaultRule('unavailable', 503).faultClass).toBe('TRANSIENT');
  });

  test('without an error envelope the HTTP status decides, and an unknown refusal is ours', () => {
    expect(smsFaultRule(undefined, 429).faultClass).toBe('TRANSIENT');
    expect(smsFaultRule(undefined, 502).faultClass).toBe('TRANSIENT');
    expect(smsFaultRule(undefined, 403)).toMatchObject({ faultClass: 'OUR_SIDE', scope: 'channel' });
    expect(smsFaultRule('quota_exceeded', 400)).toMatchObject({ faultClass: 'OUR_SIDE', scope: 'channel' });
    expect(smsFault(undefined, 418, undefined).code).toBe('sms:http_418');
  });
});

describe('a classified fault', () => {
  test("carries the channel's code and words as its block, with no phone number in them", () => {
    const fault = whatsappFault(131009, 'Parameter value is not valid: to +91 98765 43210 is not a valid number');
    expect(fault).toBeInstanceOf(ChannelFault);
    expect(fault.block('2026-12-01T05:00:00.000Z')).toEqual({
      channel: 'whatsapp',
      code: 'whatsapp:131009',
      reason: 'Parameter value is not valid: to [number] is not a valid number',
      since: '2026-12-01T05:00:00.000Z',
    });
    expect(fault.message).not.toContain('98765');
  });

  test("uses the table's meaning when the channel gave no words", () => {
    expect(whatsappFault(132015, '').reason).toBe('template paused for low quality');
    expect(smsFault('unauthorized', 401, undefined).reason).toBe('gateway token missing or wrong');
  });
});
