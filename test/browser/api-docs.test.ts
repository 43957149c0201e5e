/**
 * The API reference page at /docs in headless Chromium, behind the same helmet headers as every page: swagger-ui's
 * scripts run under /docs's own CSP, the browser reports no violation, and it renders the document's operations.
 */
import { Client, Connection } from '@temporalio/client';
import { buildApi } from '../../api/server';
import { AtrClient } from '../../client';
import { createLogger } from '../../lib/log';
import { closeTestPool, testIdempotency, testIntake } from '../helpers/db';
import { useChromium } from '../helpers/browser';

const chromium = useChromium();
let connection: Connection;
beforeAll(() => {
  connection = Connection.lazy({ address: process.env.TEST_TEMPORAL_ADDRESS! });
});
afterAll(async () => {
  await connection.close();
  await closeTestPool();
});

test('/docs renders the API reference under its CSP, with no violation', async () => {
  const app = await buildApi({ atr: new AtrClient(new Client({ connection }), testIntake()), apiKey: 'docs-portal-key-0123456789', idempotency: testIdempotency(), logger: createLogger('silent'), health: {} });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const page = await chromium.browser.newPage();
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  try {
    expect((await page.goto(`${base}/docs`))!.status()).toBe(200);
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 30_000 });
    await expect(page.locator('.swagger-ui .info .title').innerText()).resolves.toContain('Sampark ATR API');
    await expect(page.locator('.opblock-summary-path', { hasText: '/v1/closures' }).count()).resolves.toBeGreaterThan(0);
    expect(violations).toEqual([]);
  } finally {
    await page.close();
    await app.close();
  }
});
