/**
 * The public page over real HTTP: no login, Hindi first with an English switch, the period from the query, a
 * friendly page naming each bad field (and the same fields for the open data), cached and rate-limited.
 */
import { LIMITS } from '../../../api/public-guards';
import { useTransparencyApi } from '../../helpers/transparency-api';

const api = useTransparencyApi();
const PERIOD = 'from=2026-10-01&to=2026-10-02';

test('the page needs no key, is Hindi by default and English with ?lang=en, with the period and the departments', async () => {
  const hi = await fetch(`${api.base}/transparency?${PERIOD}`);
  expect(hi.status).toBe(200);
  expect(hi.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(hi.headers.get('cache-control')).toBe('public, max-age=60');
  const html = await hi.text();
  expect(html).toContain('<html lang="hi">');
  expect(html).toContain('स्वायत्त शासन विभाग');
  expect(html).toContain('2026-10-01 से 2026-10-02 तक');
  expect(html).toContain('href="/transparency?from=2026-10-01&#38;to=2026-10-02&#38;lang=en"');
  const en = await (await fetch(`${api.base}/transparency?${PERIOD}&lang=en`)).text();
  expect(en).toContain('<html lang="en">');
  expect(en).toContain('Local Self Government');
  expect(en).toMatch(/<caption>By department<\/caption>/);
  expect(en).toContain('<svg viewBox');
  expect(en).not.toMatch(/<script/i);
});

test('"last N days" ends today (IST) and is the default of 30', async () => {
  const html = await (await fetch(`${api.base}/transparency?lang=en`)).text();
  const today = new Date(Date.now() + 330 * 60_000).toISOString().slice(0, 10);
  expect(html).toContain(`to ${today}</h2>`);
  expect(html).toMatch(/aria-current="page">Last 30 days</);
});

test.each([
  ['from=2026-13-01&to=2026-10-02', 'from', 'give the date as year-month-day'],
  ['from=2026-10-01', 'to', 'give both the "from" and the "to" date'],
  ['from=2026-10-05&to=2026-10-01', 'to', 'must not be before'],
  ['from=2024-01-01&to=2026-10-01', 'from', 'longer than 366 days'],
  ['period=45', 'period', 'choose 7, 30 or 90 days'],
])('bad input %s gets a friendly 400 page naming %s', async (query, field, message) => {
  const res = await fetch(`${api.base}/transparency?${query}&lang=en`);
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const html = await res.text();
  const Field = { from: 'From (date)', to: 'To (date)', period: 'Period' }[field]!;
  expect(html).toContain(`${Field}: `);
  expect(html).toContain(message.replace(/"/g, '&#34;'));
  const json = await fetch(`${api.base}/transparency/data.json?${query}`);
  expect(json.status).toBe(400);
  expect(await json.json()).toMatchObject({ error: 'validation_failed', fields: [expect.objectContaining({ field })] });
});

test('the bad-input page speaks Hindi by default', async () => {
  const html = await (await fetch(`${api.base}/transparency?from=kal&to=aaj`)).text();
  expect(html).toContain('यह अवधि नहीं दिखाई जा सकती');
  expect(html).toContain('से (तारीख़): तारीख़ वर्ष-माह-दिन');
});

test('the public routes are limited per IP, answering 429 in the API’s error shape', async () => {
  const max = LIMITS.transparency[0].max;
  const statuses = await Promise.all(Array.from({ length: max + 5 }, () => fetch(`${api.base}/transparency/data.json?${PERIOD}`).then((r) => r.status)));
  // The earlier tests of this file spent some of the same minute's allowance.
  expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(max);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
  const limited = await fetch(`${api.base}/transparency?${PERIOD}`);
  expect(limited.status).toBe(429);
  expect(await limited.json()).toMatchObject({ error: 'rate_limited', status: 429, detail: expect.stringMatching(/^too many requests/) });
});
