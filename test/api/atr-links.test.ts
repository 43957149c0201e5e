/**
 * The SMS link pages as the public reaches them: real HTTP to the API, a real worker on the dev server, the
 * simulator's SMS gateway and the real PostgreSQL. Rate limits per link, the server's single-use form nonces,
 * the link's expiry with its run, and the citizen pages' security headers.
 */
import type { Closure } from '../../contracts/closure';
import { SA, stateQuery } from '../../contracts/workflow';
import type { SmsRecord } from '../../tools/simulator/server';
import { testPool } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { useDevServer } from '../helpers/temporal';
import { eventually, uniqueMobile, withWhatsApp, type WhatsAppLoop } from '../helpers/whatsapp';

const dev = useDevServer();

type Policy = NonNullable<Closure['feedbackPolicy']>;

/** A closure to a number not on WhatsApp, so its ATR goes out as an SMS link; resolves with the link's token. */
async function smsLink(loop: WhatsAppLoop, policy: Policy = {}) {
  const phone = uniqueMobile();
  await loop.simCall('POST', '/_sim/undeliverable', { add: [phone] });
  const { workflowId } = await loop.atr.closeGrievance(makeClosure({ feedbackPolicy: { quietHours: null, ...policy }, citizen: { name: 'सीता देवी', phone, language: 'hi' } }));
  const handle = loop.client.workflow.getHandle(workflowId);
  const sms = await eventually(async () => (await loop.simCall<SmsRecord[]>('GET', `/_sim/sms?to=${encodeURIComponent(phone)}`))[0]);
  const token = /\/atr\/([A-Za-z0-9_-]{22})/.exec(sms.text)![1]!;
  await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(SA.deliveryStatus) === 'SMS_FALLBACK' ? true : undefined));
  return { workflowId, handle, token, page: `${loop.apiUrl}/atr/${token}` };
}

const nonceIn = (html: string) => /name="nonce" value="([^"]+)"/.exec(html)![1]!;
const post = (page: string, form: Record<string, string>) => fetch(`${page}/feedback`, { method: 'POST', body: new URLSearchParams(form) });
const feedbackRows = async (workflowId: string) =>
  (await testPool().query<{ decisive: boolean; channel: string }>('SELECT decisive, channel FROM feedback WHERE workflow_id = $1', [workflowId])).rows;

describe('ATR link pages', () => {
  test('200 rapid feedback posts on one link draw 429s and record exactly one decisive feedback', async () => {
    await withWhatsApp(dev, async (loop) => {
      const { workflowId, handle, page } = await smsLink(loop);
      const nonce = nonceIn(await (await fetch(page)).text());

      const answers = await Promise.all(Array.from({ length: 200 }, () => post(page, { rating: 'SATISFIED', nonce })));
      const statuses = answers.map((a) => a.status);
      const count = (s: number) => statuses.filter((x) => x === s).length;
      expect({ recorded: count(200), refused: count(409), limited: count(429), other: 200 - count(200) - count(409) - count(429) }).toEqual({
        recorded: 1,
        refused: 4, // the per-link limit lets 5 through; the nonce was spent by the first
        limited: 195,
        other: 0,
      });
      const limited = answers.find((a) => a.status === 429)!;
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // A phone's browser gets a page, not JSON; a caller asking for JSON gets the API's error.
      expect(limited.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await limited.text()).toContain('बहुत अधिक प्रयास');
      const asJson = await fetch(`${page}/feedback`, { method: 'POST', body: new URLSearchParams({ rating: 'SATISFIED', nonce }), headers: { accept: 'application/json' } });
      expect(await asJson.json()).toMatchObject({ error: 'rate_limited', detail: expect.stringMatching(/retry in \d+ s/) });

      await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(SA.outcome) === 'SATISFIED' ? true : undefined));
      expect(await feedbackRows(workflowId)).toEqual([{ decisive: true, channel: 'sms-link' }]);
      await handle.terminate('test done');
    });
  });

  test('a form nonce is the server’s and single-use, and a second answer is not pretended: each gets a page and records nothing', async () => {
    await withWhatsApp(dev, async (loop) => {
      const { workflowId, handle, page } = await smsLink(loop);
      const first = nonceIn(await (await fetch(page)).text());
      const second = nonceIn(await (await fetch(page)).text());
      expect(second).not.toBe(first);

      const invented = await post(page, { rating: 'SATISFIED', nonce: 'chosen-by-the-client-1234' });
      expect(invented.status).toBe(409);
      expect(invented.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await invented.text()).toContain('यह फ़ॉर्म पहले ही भेजा जा चुका है');
      expect(await feedbackRows(workflowId)).toEqual([]);

      expect((await post(page, { rating: 'SATISFIED', nonce: first })).status).toBe(200);
      await eventually(async () => ((await feedbackRows(workflowId)).length === 1 ? true : undefined));
      expect((await handle.query(stateQuery)).feedback).toMatchObject({ rating: 'SATISFIED', channel: 'sms-link' });

      // Once answered, the reused nonce and the other render's unspent one both get the answer on record, not "recorded".
      for (const nonce of [first, second]) {
        const again = await post(page, { rating: 'NOT_SATISFIED', reason: 'DELAY', nonce });
        expect(again.status).toBe(409);
        const html = await again.text();
        expect(html).toContain('आप पहले ही उत्तर दे चुके हैं');
        expect(html).toContain('आपका उत्तर: संतुष्ट।');
        expect(html).not.toContain('दर्ज कर ली गई है');
      }
      expect(await feedbackRows(workflowId)).toEqual([{ decisive: true, channel: 'sms-link' }]);
      await handle.terminate('test done');
    });
  });

  test('page loads on one link are limited (each issues a nonce), with retry-after', async () => {
    await withWhatsApp(dev, async (loop) => {
      const { handle, page } = await smsLink(loop);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await fetch(page)).status);
      expect(statuses).toEqual(Array(20).fill(200));
      // The 21st load, and the PDF (counted with the page), wait for the window to pass.
      for (const res of [await fetch(page), await fetch(`${page}/pdf`)]) {
        expect(res.status).toBe(429);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      await handle.terminate('test done');
    });
  });

  test('the link page carries the security headers, and is never cached', async () => {
    await withWhatsApp(dev, async (loop) => {
      const { handle, page } = await smsLink(loop);
      for (const res of [await fetch(page), await fetch(`${page}/pdf`), await fetch(`${loop.apiUrl}/atr/AAAAAAAAAAAAAAAAAAAAAA`)]) {
        const csp = res.headers.get('content-security-policy')!;
        expect(csp).toContain("default-src 'none'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("form-action 'self'");
        expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('cache-control')).toBe('no-store');
        // Served over plain HTTP here (PUBLIC_BASE_URL is not https): no HSTS.
        expect(res.headers.get('strict-transport-security')).toBeNull();
      }
      await handle.terminate('test done');
    });
  });

  test('a link whose run no longer takes feedback answers "expired" (410) with a page, and refuses feedback', async () => {
    await withWhatsApp(dev, async (loop) => {
      // A one-minute window without a grace period: the run stops taking feedback a minute after the SMS.
      const { workflowId, handle, page } = await smsLink(loop, { feedbackWindowHours: 1 / 60, reminderOffsetsHours: [], lateFeedbackGraceHours: 0 });
      const nonce = nonceIn(await (await fetch(page)).text());
      const spare = nonceIn(await (await fetch(page)).text());
      expect((await post(page, { rating: 'SATISFIED', nonce })).status).toBe(200);

      // The outcome is recorded at once; the link lives on until the run closes, and expires with it.
      await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(SA.outcome) === 'SATISFIED' ? true : undefined));
      const { closesAt } = await handle.query(stateQuery);
      // Its links (the WhatsApp template's, tried first, and the SMS's) all expire then: the activity after the
      // outcome's search attribute shortens them, so wait for it rather than race it.
      const expiries = async () => {
        const { rows } = await testPool().query<{ expires_at: Date }>('SELECT expires_at FROM atr_links WHERE workflow_id = $1', [workflowId]);
        return { rows, distinct: [...new Set(rows.map((r) => r.expires_at.toISOString()))] };
      };
      const { rows, distinct } = await eventually(async () => {
        const found = await expiries();
        return found.distinct.length === 1 && found.distinct[0] === new Date(closesAt!).toISOString() ? found : undefined;
      }, 20_000).catch(async () => expiries());
      expect(distinct).toEqual([new Date(closesAt!).toISOString()]);
      expect((await fetch(page)).status).toBe(200);
      const expiry = rows[0]!.expires_at;

      await handle.result();
      await new Promise((r) => setTimeout(r, Math.max(0, expiry.getTime() - Date.now() + 100)));
      for (const res of [await fetch(page), await fetch(`${page}/pdf`), await post(page, { rating: 'NOT_SATISFIED', nonce: spare })]) {
        expect(res.status).toBe(410);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(await res.text()).toContain('इस लिंक की अवधि समाप्त हो चुकी है');
      }
      expect(await feedbackRows(workflowId)).toHaveLength(1);
    });
  }, 180_000);
});
