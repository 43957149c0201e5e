/**
 * The SMS link page in headless Chromium under its Content-Security-Policy: it still renders with its styles,
 * the browser reports no violation, and its form posts feedback (the form action is allowed).
 */
import { SA } from '../../contracts/workflow';
import type { SmsRecord } from '../../tools/simulator/server';
import { makeClosure } from '../helpers/fixtures';
import { useChromium } from '../helpers/browser';
import { useDevServer } from '../helpers/temporal';
import { eventually, uniqueMobile, withWhatsApp } from '../helpers/whatsapp';

/** The one browser API used here (the tests compile without the DOM library). */
type BrowserWindow = { getComputedStyle(element: unknown): { backgroundColor: string } };

const dev = useDevServer();
const chromium = useChromium();

test('the link page renders styled under its CSP, with no violation, and its form records feedback', async () => {
  await withWhatsApp(dev, async ({ atr, client, simCall, apiUrl }) => {
    const phone = uniqueMobile();
    await simCall('POST', '/_sim/undeliverable', { add: [phone] });
    const { workflowId } = await atr.closeGrievance(makeClosure({ feedbackPolicy: { quietHours: null }, citizen: { name: 'गीता', phone, language: 'hi' } }));
    const sms = await eventually(async () => (await simCall<SmsRecord[]>('GET', `/_sim/sms?to=${encodeURIComponent(phone)}`))[0]);
    const token = /\/atr\/([A-Za-z0-9_-]{22})/.exec(sms.text)![1]!;
    const handle = client.workflow.getHandle(workflowId);
    await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(SA.deliveryStatus) === 'SMS_FALLBACK' ? true : undefined));

    const page = await chromium.browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    try {
      const res = await page.goto(`${apiUrl}/atr/${token}`);
      expect(res!.status()).toBe(200);
      const satisfied = page.getByTestId('satisfied');
      // The inline <style> applies: the button keeps its green.
      await expect(satisfied.evaluate((b) => (globalThis as unknown as BrowserWindow).getComputedStyle(b).backgroundColor)).resolves.toBe('rgb(27, 94, 32)');
      await satisfied.click();
      await page.waitForLoadState();
      await expect(page.locator('h1').innerText()).resolves.toContain('आपकी प्रतिक्रिया दर्ज कर ली गई है');
      expect(violations).toEqual([]);
      await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(SA.outcome) === 'SATISFIED' ? true : undefined));
    } finally {
      await page.close();
      await handle.terminate('test done').catch(() => undefined);
    }
  });
});
