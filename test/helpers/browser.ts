/** Debian's headless Chromium for one test file: launched before its tests, closed after them. */
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../tools/scripts/chromium';

/** The file's browser; read `.browser` inside tests, not at module load. */
export function useChromium(): { readonly browser: Browser } {
  const holder = {} as { browser: Browser };
  beforeAll(async () => {
    holder.browser = await launchChromium();
  });
  afterAll(async () => {
    await holder.browser?.close();
  });
  return holder;
}
