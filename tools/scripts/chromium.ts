/** Debian's Chromium driven by playwright-core (the browser is installed by `setup bench`, never downloaded). */
import type { Browser } from 'playwright-core';

/** Flags for a headless Chromium on a machine without network: no background traffic, no sandbox as root. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--font-render-hinting=none'];

/** Launches Chromium (CHROMIUM_PATH, else /usr/bin/chromium). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
}
