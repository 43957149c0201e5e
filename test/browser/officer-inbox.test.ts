/**
 * The officers' inbox in headless Chromium, on the real stack: a "not satisfied" raised through the ATR workflow
 * starts its escalation workflow on a real worker; an L1 officer logs in, filters the list, opens the case, plays the
 * citizen's voice note, acknowledges, and sees it in the history after the redirect. axe-core finds no serious or
 * critical violation on the list and case pages. Screenshots go to test/.artifacts/.
 *
 * The voice note is stored through its repository (i14-words' voice_notes) and linked to the escalation here: the
 * download from WhatsApp that does this in production is tested with that branch, not in this file.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createVoiceNoteRepository } from '../../db/repositories/voice-notes';
import { createOfficerAccountRepository } from '../../db/repositories/officer-accounts';
import { useChromium } from '../helpers/browser';
import { testPool } from '../helpers/db';
import { escalate, makeOfficer, startInbox } from '../helpers/officer';
import { runWithWorker, useDevServer } from '../helpers/temporal';

const dev = useDevServer();
const chromium = useChromium();
const ARTIFACTS = path.join(__dirname, '..', '.artifacts', 'officer-inbox');

/** One second of a 440 Hz tone as 8 kHz 16-bit mono WAV: small, and every browser decodes it without a codec. */
function toneWav(seconds = 1, rate = 8000): Buffer {
  const samples = seconds * rate;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return wav;
}

/** axe-core's serious and critical findings on the page (rule ids with a node's target). */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP (no scripts at all) does not govern.
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const found = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ passes: unknown[]; violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const { passes, violations } = await axe.run();
    // A run that checked nothing would pass any page.
    if (passes.length < 10) throw new Error(`axe-core checked only ${passes.length} rules`);
    return violations.map((v) => ({ id: v.id, impact: v.impact, target: v.nodes[0]?.target.join(' ') ?? '' }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) at ${v.target}`);
}

test('an L1 officer logs in, filters, opens a case, plays its voice note, acknowledges it and sees it in the history', async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await runWithWorker({ connection: dev }, async ({ atr, client }) => {
    const inbox = await startInbox(client);
    const esc = await escalate(atr, { department: { code: 'LSG', nameEn: 'Local Self Government' }, district: { code: 'JPR', nameEn: 'Jaipur' } });
    await createVoiceNoteRepository(testPool()).saveVoiceNote({
      mediaId: `media-${esc.grievanceId}`,
      workflowId: esc.workflowId,
      messageId: `wamid.voice-${esc.grievanceId}`,
      mimeType: 'audio/wav',
      sha256: 'not-checked-here',
      audio: toneWav(),
      receivedAt: new Date(),
    });
    await testPool().query('UPDATE escalations SET voice_media_id = $2 WHERE escalation_id = $1', [esc.escalationId, `media-${esc.grievanceId}`]);
    const officer = await makeOfficer({ role: 'L1', departmentCode: 'LSG', districtCode: 'JPR', name: 'सुरेश मीणा' });

    const page = await chromium.browser.newPage({ viewport: { width: 400, height: 800 } });
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    try {
      await page.goto(`${inbox.url}/officer`);
      expect(page.url()).toBe(`${inbox.url}/officer/login`);
      await page.getByLabel('अधिकारी आईडी').fill(officer.officerId);
      await page.getByLabel('पासवर्ड').fill(officer.password);
      await page.getByRole('button', { name: 'लॉग इन करें' }).click();
      await page.waitForURL(`${inbox.url}/officer`);

      await page.getByLabel('स्तर').selectOption('1');
      await page.getByLabel('स्थिति').selectOption('OPEN');
      await page.getByRole('button', { name: 'लागू करें' }).click();
      await page.waitForURL(/\/officer\?level=1&status=OPEN/);
      const row = page.getByTestId('case-row').filter({ hasText: esc.grievanceId });
      await expect(row.count()).resolves.toBe(1);
      await expect(row.getByTestId('sla-clock').innerText()).resolves.toMatch(/शेष$/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'list.png'), fullPage: true });
      expect(await axeViolations(page)).toEqual([]);

      await row.getByRole('link', { name: esc.grievanceId }).click();
      await page.waitForURL(/\/officer\/cases\//);
      await expect(page.locator('h1').innerText()).resolves.toContain(esc.grievanceId);
      const audio = page.getByTestId('voice');
      const media = await audio.evaluate(async (el) => {
        const a = el as unknown as { readyState: number; duration: number; play(): Promise<void>; pause(): void; currentTime: number; addEventListener(e: string, f: () => void): void };
        if (a.readyState < 1) await new Promise<void>((resolve) => a.addEventListener('loadedmetadata', () => resolve()));
        a.play().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 300));
        a.pause();
        return { readyState: a.readyState, duration: a.duration, played: a.currentTime > 0 };
      });
      expect(media.readyState).toBeGreaterThanOrEqual(1);
      expect(media.duration).toBeCloseTo(1, 1);
      expect(media.played).toBe(true);
      expect(await axeViolations(page)).toEqual([]);

      await page.getByTestId('acknowledge').click();
      await page.waitForURL(/done=acknowledged/);
      await expect(page.getByRole('status').innerText()).resolves.toContain('स्वीकार कर लिया गया');
      await expect(page.getByTestId('status').innerText()).resolves.toBe('स्वीकार किया गया');
      await expect(page.getByTestId('history').innerText()).resolves.toMatch(new RegExp(`स्वीकार किया गया · ${officer.officerId} द्वारा`));
      await page.screenshot({ path: path.join(ARTIFACTS, 'case-acknowledged.png'), fullPage: true });

      await page.getByRole('link', { name: 'English' }).click();
      await expect(page.getByTestId('status').innerText()).resolves.toBe('Acknowledged');
      expect(cspViolations).toEqual([]);
      expect((await createOfficerAccountRepository(testPool()).auditTrail({ escalationId: esc.escalationId })).map((a) => a.action)).toEqual(['ACKNOWLEDGE']);
    } finally {
      await page.close();
      await inbox.close();
      await client.workflow.getHandle(esc.workflowId).terminate('test done').catch(() => undefined);
      await client.workflow.getHandle(`esc-${esc.grievanceId}-c1`).terminate('test done').catch(() => undefined);
    }
  });
});
