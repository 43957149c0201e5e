/**
 * The transparency page in headless Chromium, on a cheap phone's screen (360×640) and a desktop's: it renders
 * under its Content-Security-Policy with no violation, nothing overflows the phone's width but the scrollable
 * tables, the chart is there with its text alternative, and axe-core finds no serious or critical violation.
 * Screenshots go to test/.artifacts/ for humans.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import axe from 'axe-core';
import { useChromium } from '../helpers/browser';
import { useTransparencyApi } from '../helpers/transparency-api';
import { ARTIFACTS_DIR } from './citizen-phone';

const api = useTransparencyApi();
const chromium = useChromium();

/** What axe-core reports, as far as used here (the tests compile without the DOM library). */
interface AxeResults {
  violations: { id: string; impact?: string | null; nodes: unknown[] }[];
}

const VIEWPORTS = [
  { name: 'phone', width: 360, height: 640 },
  { name: 'desktop', width: 1280, height: 900 },
] as const;

describe.each(VIEWPORTS)('on a $name ($width×$height)', ({ name, width, height }) => {
  test.each(['hi', 'en'] as const)('the page in %s renders, fits, and has no serious accessibility violation', async (lang) => {
    // Under its CSP first: the real page, as any reader gets it.
    const page = await chromium.browser.newPage({ viewport: { width, height } });
    const csp: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    try {
      const url = `${api.base}/transparency?from=2026-10-01&to=2026-10-02&lang=${lang}`;
      expect((await page.goto(url))!.status()).toBe(200);
      await expect(page.locator('svg[role="img"] title').count()).resolves.toBe(1);
      await expect(page.getByTestId('departments').locator('tbody tr').count()).resolves.toBe(3);
      await expect(page.getByTestId('districts').locator('tbody tr').count()).resolves.toBe(2);
      // Only the tables' own scroll boxes may be wider than the screen, never the page.
      const overflow = await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
        return doc.documentElement.scrollWidth - doc.documentElement.clientWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, `transparency-${lang}-${name}.png`), fullPage: true });
      expect(csp).toEqual([]);
    } finally {
      await page.close();
    }

    // axe-core is a script, which the page's CSP rightly refuses: run it in a context that bypasses CSP.
    const context = await chromium.browser.newContext({ viewport: { width, height }, bypassCSP: true });
    try {
      const checked = await context.newPage();
      await checked.goto(`${api.base}/transparency?from=2026-10-01&to=2026-10-02&lang=${lang}`);
      await checked.addScriptTag({ content: axe.source });
      const results = (await checked.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as AxeResults;
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length})`);
      expect(serious).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
