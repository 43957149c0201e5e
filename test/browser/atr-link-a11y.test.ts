/**
 * The citizen's link page as a cheap phone shows it: headless Chromium at 360×640 (and at 200 % zoom), reached
 * through the "View ATR" button of the WhatsApp template the simulator recorded. Buttons above the fold, page
 * weight, the form that keeps what was typed after a mistake, the thank-you and remembered-answer pages, friendly
 * pages for bad links, and axe-core finding no serious or critical violation on each. Screenshots go to
 * test/.artifacts/ for humans.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SA } from '../../contracts/workflow';
import { TEMPLATES } from '../../messaging/whatsapp/protocol';
import type { SimMessageView } from '../../tools/simulator/server';
import { testPool } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { useChromium } from '../helpers/browser';
import { useDevServer } from '../helpers/temporal';
import { eventually, uniqueMobile, withWhatsApp, type WhatsAppLoop } from '../helpers/whatsapp';
import { ARTIFACTS_DIR } from './citizen-phone';

const dev = useDevServer();
const chromium = useChromium();

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/** A phone of the kind most citizens have: 360×640 CSS pixels. */
const PHONE = { width: 360, height: 640 };

type Button = { type: string; sub_type?: string; index?: string; parameters: { type: string; text?: string }[] };
type Sent = SimMessageView & { request: { template?: { name: string; components?: Button[] } } };

/** A closure delivered on WhatsApp; its link page's URL from the "View ATR" button of the recorded template. */
async function deliveredLink(loop: WhatsAppLoop, language: 'hi' | 'en' = 'hi', cycle = 1, grievanceId?: string) {
  const phone = uniqueMobile();
  const { workflowId } = await loop.atr.closeGrievance(makeClosure({ cycle, feedbackPolicy: { quietHours: null }, citizen: { name: 'गीता देवी', phone, language }, ...(grievanceId ? { grievanceId } : {}) }));
  const atr = await eventually(async () => (await loop.simCall<Sent[]>('GET', `/_sim/messages?to=${encodeURIComponent(phone)}`)).find((m) => m.wamid && m.request.template?.name === TEMPLATES.atrDisposed.name));
  const button = atr.request.template!.components!.find((c) => c.type === 'button' && c.sub_type === 'url')!;
  const handle = loop.client.workflow.getHandle(workflowId);
  return { workflowId, handle, url: `${loop.apiUrl}/atr/${button.parameters[0]!.text!}` };
}

/** A page at the phone's size, CSP bypassed only so axe-core can be injected. */
async function phonePage(browser: Browser, viewport = PHONE): Promise<Page> {
  const context = await browser.newContext({ viewport, bypassCSP: true });
  return context.newPage();
}

/** axe-core's serious and critical violations on the page (id and the failing nodes' targets). */
async function seriousViolations(page: Page): Promise<{ id: string; impact: string; targets: string[] }[]> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.flatMap((n) => n.target) }));
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `link-page-${name}.png`), fullPage: true });
}

const close = async (page: Page) => page.context().close();

test('the ATR template’s "View ATR" button opens the page: both answers above the fold at 360×640, under 50 KB, no serious axe issue', async () => {
  await withWhatsApp(dev, async (loop) => {
    const { handle, url } = await deliveredLink(loop);
    const page = await phonePage(chromium.browser);
    try {
      let bytes = 0;
      page.on('response', (r) => {
        if (!r.url().endsWith('/pdf')) void r.body().then((b) => (bytes += b.length), () => undefined);
      });
      const res = await page.goto(url, { waitUntil: 'load' });
      expect(res!.status()).toBe(200);
      expect(await page.getAttribute('html', 'lang')).toBe('hi');
      for (const id of ['satisfied', 'not-satisfied']) {
        const box = (await page.getByTestId(id).boundingBox())!;
        expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
        expect(box.height).toBeGreaterThanOrEqual(44); // a thumb's target
      }
      await eventually(async () => (bytes > 0 ? true : undefined));
      expect(bytes).toBeLessThan(50 * 1024);
      expect(await page.locator('main').count()).toBe(1);
      await screenshot(page, 'form');
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await close(page);
      await handle.terminate('test done');
    }
  });
});

test('at 200 % zoom the page reads without sideways scrolling, the buttons still whole', async () => {
  await withWhatsApp(dev, async (loop) => {
    // The widest letters a grievance number can have: it must wrap, not push the page sideways.
    const { handle, url } = await deliveredLink(loop, 'en', 1, `WMWMWMWM${String(Date.now()).slice(-8)}`);
    // 200 % zoom on a 360-pixel screen lays the page out in 180 CSS pixels.
    const page = await phonePage(chromium.browser, { width: PHONE.width / 2, height: PHONE.height / 2 });
    try {
      await page.goto(url);
      const overflow = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return d.scrollWidth - d.clientWidth;
      });
      expect(overflow).toBe(0);
      for (const id of ['satisfied', 'not-satisfied']) {
        const box = (await page.getByTestId(id).boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width / 2);
      }
      await screenshot(page, 'zoom-200');
    } finally {
      await close(page);
      await handle.terminate('test done');
    }
  });
});

test('"Not satisfied" without a reason, and "Other reason" without a comment, come back as the form naming the field, the comment kept', async () => {
  await withWhatsApp(dev, async (loop) => {
    const { workflowId, handle, url } = await deliveredLink(loop);
    const page = await phonePage(chromium.browser);
    try {
      await page.goto(url);
      await page.fill('#comment', 'नाली अब भी बंद है');
      await page.getByTestId('not-satisfied').click();
      await page.waitForLoadState();
      expect(await page.locator('#reason-error').innerText()).toContain('कारण चुनें');
      expect(await page.inputValue('#comment')).toBe('नाली अब भी बंद है');
      expect(await page.getAttribute('#reason', 'aria-describedby')).toBe('reason-error');
      await screenshot(page, 'form-error');
      expect(await seriousViolations(page)).toEqual([]);

      await page.check('input[name="reason"][value="OTHER"]');
      await page.fill('#comment', '   ');
      await page.getByTestId('not-satisfied-send').click();
      await page.waitForLoadState();
      expect(await page.locator('#comment-error').innerText()).toContain('टिप्पणी में कारण लिखें');
      expect(await page.isChecked('input[name="reason"][value="OTHER"]')).toBe(true);
      const { rows } = await testPool().query('SELECT 1 FROM feedback WHERE workflow_id = $1', [workflowId]);
      expect(rows).toEqual([]);
    } finally {
      await close(page);
      await handle.terminate('test done');
    }
  });
});

test('the thank-you page gives the grievance number, the level it goes to, roughly by when, and 181; opened again it remembers', async () => {
  await withWhatsApp(dev, async (loop) => {
    const { handle, url } = await deliveredLink(loop, 'en', 2);
    const page = await phonePage(chromium.browser);
    try {
      await page.goto(url);
      await page.check('input[name="reason"][value="NO_ACTION"]');
      await page.getByTestId('not-satisfied-send').click();
      await page.waitForLoadState();
      const text = await page.locator('main').innerText();
      expect(text).toContain('Your feedback has been recorded');
      expect(text).toMatch(/Grievance number: \S+/);
      expect(text).toContain("goes to the District Collector's office, which should act within about 5 days");
      expect(text).toContain('181');
      await screenshot(page, 'thanks');
      expect(await seriousViolations(page)).toEqual([]);

      await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(SA.outcome) === 'ESCALATED' ? true : undefined));
      const again = await page.goto(url);
      expect(again!.status()).toBe(200);
      expect(await page.getByTestId('answer').innerText()).toBe("Your answer: not satisfied. Your grievance was sent to the District Collector's office.");
      expect(await page.getByTestId('satisfied').count()).toBe(0);
      await screenshot(page, 'answered');
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await close(page);
      await handle.terminate('test done').catch(() => undefined);
    }
  });
});

test('truncated, unknown and expired links answer friendly pages with their status; JSON only to a caller asking for it', async () => {
  await withWhatsApp(dev, async (loop) => {
    const { workflowId, handle, url } = await deliveredLink(loop);
    const page = await phonePage(chromium.browser);
    try {
      const truncated = await page.goto(url.slice(0, -5));
      expect(truncated!.status()).toBe(400);
      expect(truncated!.headers()['content-type']).toMatch(/^text\/html/);
      expect(await page.locator('section[lang="hi"] h1').innerText()).toBe('लिंक अधूरा है');
      expect(await page.locator('section[lang="en"] h2').innerText()).toBe('Link incomplete');
      await screenshot(page, 'truncated');
      expect(await seriousViolations(page)).toEqual([]);

      const unknown = await page.goto(`${loop.apiUrl}/atr/${'A'.repeat(22)}`);
      expect(unknown!.status()).toBe(404);
      expect(await page.locator('main').innerText()).toContain('Link not valid');

      await testPool().query("UPDATE atr_links SET expires_at = now() - interval '1 minute' WHERE workflow_id = $1", [workflowId]);
      const expired = await page.goto(url);
      expect(expired!.status()).toBe(410);
      expect(await page.getAttribute('html', 'lang')).toBe('hi');
      expect(await page.locator('h1').innerText()).toBe('लिंक की अवधि समाप्त');
      await screenshot(page, 'expired');
      expect(await seriousViolations(page)).toEqual([]);

      const asJson = await fetch(url.slice(0, -5), { headers: { accept: 'application/json' } });
      expect(asJson.status).toBe(400);
      expect(await asJson.json()).toMatchObject({ error: 'validation_failed' });
    } finally {
      await close(page);
      await handle.terminate('test done');
    }
  });
});
