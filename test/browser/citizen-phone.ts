/**
 * Drives the simulator's citizen phone page (`GET /phone/:number`) in a real browser, as a citizen would:
 * wait for our messages, tap buttons, pick from a list, type and send.
 *
 * The page reloads itself whenever its conversation changes (it polls the simulator every 1.5 s), and a
 * reload in the middle of a tap or while typing would lose it. So before every action the helper waits
 * until the page shows the simulator's latest version of the conversation and none of our messages still
 * has a status update to come (all read); then nothing can make the page reload until the citizen acts.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

/** Where screenshots for humans go (git-ignored). */
export const ARTIFACTS_DIR = path.join(__dirname, '..', '.artifacts');

/** The kinds of message our side sends, as the page marks them (`data-type`). */
export type OurMessageType = 'template' | 'interactive' | 'text';

const POLL_MS = 100;

/** In the page: the version its inline script compares against, and how many ticks are not yet "read". */
const PAGE_STATE = `(() => {
  if (document.readyState !== 'complete') return null;
  const chat = document.getElementById('chat');
  const unread = document.querySelectorAll('[data-testid="ticks"]:not([data-status="read"])').length;
  return { version: chat && chat.dataset.version !== undefined ? Number(chat.dataset.version) : null, unread };
})()`;

export class CitizenPhone {
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    /** The phone page's URL. */
    readonly url: string,
    private readonly simUrl: string,
    /** The citizen's number in E.164. */
    readonly number: string,
  ) {}

  /** Opens the citizen's phone page in a fresh browser context (a phone-sized viewport, Hindi, IST). */
  static async open(browser: Browser, simUrl: string, number: string): Promise<CitizenPhone> {
    const context = await browser.newContext({ viewport: { width: 412, height: 915 }, locale: 'hi-IN', timezoneId: 'Asia/Kolkata' });
    try {
      const page = await context.newPage();
      const url = `${simUrl}/phone/${encodeURIComponent(number)}`;
      const res = await page.goto(url);
      if (res?.status() !== 200) throw new Error(`phone page ${url} answered ${res?.status()}`);
      return new CitizenPhone(context, page, url, simUrl, number);
    } catch (err) {
      await context.close();
      throw err;
    }
  }

  /** Our messages (optionally of one type), oldest first; `.last()` is the newest. */
  ours(type?: OurMessageType): Locator {
    return this.page.locator(type ? `[data-testid="message"][data-type="${type}"]` : '[data-testid="message"]');
  }

  /** The citizen's own messages, oldest first. */
  theirs(): Locator {
    return this.page.getByTestId('citizen-message');
  }

  /** Waits (through the page's own reloads) until `locator` is visible; returns it. */
  async waitFor(locator: Locator, timeoutMs = 60_000): Promise<Locator> {
    await locator.waitFor({ state: 'visible', timeout: timeoutMs });
    return locator;
  }

  /** Waits for our newest message of `type` whose text matches `text`. */
  async waitForMessage(type: OurMessageType, text?: string | RegExp, timeoutMs = 60_000): Promise<Locator> {
    const messages = text === undefined ? this.ours(type) : this.ours(type).filter({ hasText: text });
    return this.waitFor(messages.last(), timeoutMs);
  }

  /** Taps a quick reply or reply button; resolves once the page shows the citizen's reply. */
  async tap(button: Locator): Promise<void> {
    await this.act(() => button.click());
  }

  /** Opens the newest reason list and picks row `index`; returns the row's id and title. */
  async pickFromList(index: number): Promise<{ id: string; title: string }> {
    const list = this.page.getByTestId('list').last();
    const row = list.getByTestId(`list-row-${index}`);
    let picked: { id: string; title: string } | undefined;
    await this.act(async () => {
      if ((await list.getAttribute('open')) === null) await list.getByTestId('list-open').click();
      picked = { id: (await row.getAttribute('data-id')) ?? '', title: (await row.locator('span').first().innerText()).trim() };
      await row.click();
    });
    return picked!;
  }

  /** Types `text` in the composer and sends it (not as a reply to a particular message). */
  async type(text: string): Promise<void> {
    await this.act(async () => {
      await this.page.getByTestId('text-input').fill(text);
      await this.page.getByTestId('send-text').click();
    });
  }

  /** A full-page screenshot under test/.artifacts/; returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const file = path.join(ARTIFACTS_DIR, `${name}.png`);
    // A viewport as tall as the chat, so the sticky header and composer sit at its ends instead of over messages.
    const viewport = this.page.viewportSize() ?? { width: 412, height: 915 };
    const height = await this.page.evaluate<number>('document.documentElement.scrollHeight');
    await this.page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.ceil(height)) });
    try {
      await this.page.screenshot({ path: file });
    } finally {
      await this.page.setViewportSize(viewport);
    }
    return file;
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  /**
   * Runs one citizen action once the page is settled, and waits until the simulator took it (the page
   * POSTs /_sim/inbound, then reloads) and the page shows it as a new citizen message.
   */
  private async act(action: () => Promise<void>): Promise<void> {
    await this.settled();
    const before = await this.theirs().count();
    const posted = this.page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/_sim/inbound', { timeout: 15_000 });
    void posted.catch(() => undefined); // awaited below; if the action throws, its timeout must not go unhandled
    await action();
    const res = await posted;
    if (!res.ok()) throw new Error(`the simulator refused the citizen's action: ${res.status()} ${await res.text()}`);
    await this.theirs().nth(before).waitFor({ state: 'visible', timeout: 15_000 });
  }

  /**
   * Polls until the page shows the simulator's current conversation version and every message of ours
   * has its final (read) tick, so no reload is pending.
   */
  private async settled(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [server, shown] = await Promise.all([this.serverVersion(), this.pageState()]);
      if (shown && shown.version === server && shown.unread === 0) return;
      if (Date.now() > deadline) throw new Error(`the phone page did not settle in ${timeoutMs} ms (page ${JSON.stringify(shown)}, simulator version ${server})`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  private async serverVersion(): Promise<number> {
    const res = await fetch(`${this.simUrl}/_sim/phone/${encodeURIComponent(this.number)}/version`);
    if (!res.ok) throw new Error(`simulator version answered ${res.status}`);
    return ((await res.json()) as { version: number }).version;
  }

  /**
   * The version the loaded page was rendered at (its inline script polls against it) and how many of our
   * messages still wait for a status; undefined while the page is (re)loading.
   */
  private async pageState(): Promise<{ version: number; unread: number } | undefined> {
    let state: { version: number | null; unread: number } | null;
    try {
      state = await this.page.evaluate<{ version: number | null; unread: number } | null>(PAGE_STATE);
    } catch (err) {
      // A reload destroyed the page's context mid-evaluation: ask again.
      if (err instanceof Error && /context was destroyed|navigat/i.test(err.message)) return undefined;
      throw err;
    }
    if (!state) return undefined;
    if (state.version === null) throw new Error('the phone page no longer carries its conversation version (main#chat[data-version]): update CitizenPhone');
    return { version: state.version, unread: state.unread };
  }
}
