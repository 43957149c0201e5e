/** Quiet-hours and reminder arithmetic, in IST, without a server. */
import { nextSendableTime, reminderTimes } from '../../../workflows/atr/schedule';
import type { FeedbackPolicy } from '../../../contracts/workflow';

const ist = (s: string) => Date.parse(`${s}+05:30`);
const QUIET = { start: '21:00', end: '09:00' };
const policy = (over: Partial<FeedbackPolicy> = {}): FeedbackPolicy => ({
  reminderOffsetsHours: [24, 72],
  feedbackWindowHours: 168,
  quietHours: QUIET,
  lateFeedbackGraceHours: 168,
  detailsWaitMinutes: 30,
  deliveryDeadlineHours: 24,
  ...over,
});

describe('nextSendableTime', () => {
  test.each([
    ['2026-11-28T08:59:59', '2026-11-28T09:00:00'],
    ['2026-11-28T09:00:00', '2026-11-28T09:00:00'],
    ['2026-11-28T20:59:00', '2026-11-28T20:59:00'],
    ['2026-11-28T21:00:00', '2026-11-29T09:00:00'],
    ['2026-11-28T23:45:30', '2026-11-29T09:00:00'],
    ['2026-11-29T00:00:00', '2026-11-29T09:00:00'],
    ['2026-11-29T03:10:00', '2026-11-29T09:00:00'],
  ])('moves %s IST to %s IST', (at, expected) => {
    expect(nextSendableTime(ist(at), QUIET)).toBe(ist(expected));
  });

  test('handles quiet hours that do not wrap midnight', () => {
    const lunch = { start: '13:00', end: '14:00' };
    expect(nextSendableTime(ist('2026-11-28T13:30:00'), lunch)).toBe(ist('2026-11-28T14:00:00'));
    expect(nextSendableTime(ist('2026-11-28T14:00:00'), lunch)).toBe(ist('2026-11-28T14:00:00'));
    expect(nextSendableTime(ist('2026-11-28T12:59:00'), lunch)).toBe(ist('2026-11-28T12:59:00'));
  });

  test('sends at any hour when quiet hours are off or empty', () => {
    expect(nextSendableTime(ist('2026-11-28T23:00:00'), null)).toBe(ist('2026-11-28T23:00:00'));
    expect(nextSendableTime(ist('2026-11-28T23:00:00'), { start: '22:00', end: '22:00' })).toBe(ist('2026-11-28T23:00:00'));
  });
});

describe('reminderTimes', () => {
  test('falls 24 h and 72 h after a daytime delivery', () => {
    const at = ist('2026-11-28T10:15:00');
    expect(reminderTimes(at, policy())).toEqual([ist('2026-11-29T10:15:00'), ist('2026-12-01T10:15:00')]);
  });

  test('defers a reminder that falls at night to 09:00 IST', () => {
    const at = ist('2026-11-28T20:30:00');
    expect(reminderTimes(at, policy({ reminderOffsetsHours: [1, 24] }))).toEqual([ist('2026-11-29T09:00:00'), ist('2026-11-29T20:30:00')]);
  });

  test('drops a reminder that would fall after the window closes', () => {
    const at = ist('2026-11-28T20:00:00');
    // 47 h lands at 19:00 on day 2; 50 h at 22:00, deferred to 09:00 on day 3, after the 60 h window.
    expect(reminderTimes(at, policy({ reminderOffsetsHours: [47, 50], feedbackWindowHours: 60 }))).toEqual([ist('2026-11-30T19:00:00')]);
  });
});
