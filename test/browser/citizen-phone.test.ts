/**
 * The citizen's side in a real browser: headless Chromium on the WhatsApp simulator's phone page, with our
 * API, webhook relay and a worker behind it. The citizen sees the ATR arrive, answers with taps and typing,
 * and the outcome is read back through our HTTP API, as the portal would. Screenshots of the final phone
 * pages go to test/.artifacts/ for humans.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FEEDBACK_REASONS, type FeedbackReason } from '../../contracts/closure';
import type { AtrState } from '../../contracts/workflow';
import { messageText } from '../../messaging/wording';
import { makeClosure } from '../helpers/fixtures';
import { useChromium } from '../helpers/browser';
import { useDevServer } from '../helpers/temporal';
import { eventually, uniqueMobile, withWhatsApp, type WhatsAppLoop } from '../helpers/whatsapp';
import { CitizenPhone } from './citizen-phone';

const API_KEY = 'e2e-portal-key-0123456789';

const dev = useDevServer();
const chromium = useChromium();

interface GrievanceView {
  workflowId: string;
  state?: AtrState;
}

/** GET /v1/grievances/:id with the portal's key, polled until `ready` holds (visibility lags a little). */
async function grievanceWhen(apiUrl: string, grievanceId: string, ready: (g: GrievanceView) => boolean): Promise<GrievanceView> {
  return eventually(async () => {
    const res = await fetch(`${apiUrl}/v1/grievances/${encodeURIComponent(grievanceId)}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`GET /v1/grievances/${grievanceId} answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as GrievanceView;
    return ready(body) ? body : undefined;
  }, 60_000);
}

/** A Hindi-speaking citizen's closure that goes out at any hour, and that citizen's phone open in the browser. */
async function closureWithPhoneOpen({ atr, simUrl }: WhatsAppLoop, name: string) {
  const phone = uniqueMobile();
  // The page is open before the ATR exists: it has to appear by the page's own polling.
  const citizen = await CitizenPhone.open(chromium.browser, simUrl, phone);
  const closure = makeClosure({ feedbackPolicy: { quietHours: null }, citizen: { name, phone, language: 'hi' } });
  const { workflowId } = await atr.closeGrievance(closure);
  return { citizen, closure, workflowId };
}

describe('citizen phone page in Chromium', () => {
  test('a citizen who taps "असंतुष्ट", picks a reason and types a comment is escalated to the department, as the API shows', async () => {
    await withWhatsApp(dev, async (loop) => {
      const { citizen, closure, workflowId } = await closureWithPhoneOpen(loop, 'राम कुमार शर्मा');
      try {
        const atrMessage = await citizen.waitForMessage('template');
        await citizen.waitFor(atrMessage.getByTestId('document-link'));
        await expect(atrMessage.getByTestId('document-link').innerText()).resolves.toContain(`ATR-${closure.grievanceId}.pdf`);
        await expect(atrMessage.getByTestId('message-text').innerText()).resolves.toContain(closure.grievanceId as string);

        const notSatisfied = atrMessage.getByTestId('quick-reply-1').last();
        await expect(notSatisfied.innerText()).resolves.toContain('असंतुष्ट');
        await citizen.tap(notSatisfied);

        await citizen.waitFor(citizen.page.getByTestId('list-open').last());
        const row = await citizen.pickFromList(2);
        const reason = row.id.split('|').pop() as FeedbackReason;
        expect(FEEDBACK_REASONS).toContain(reason);

        await citizen.waitForMessage('text', 'टिप्पणी');
        const comment = 'कोई अधिकारी मौके पर नहीं आया, नाली अब भी भरी है। Please send someone.';
        await citizen.type(comment);

        const escalated = await grievanceWhen(loop.apiUrl, closure.grievanceId, (g) => g.state?.outcome !== undefined);
        expect(escalated.workflowId).toBe(workflowId);
        expect(escalated.state).toMatchObject({
          outcome: 'ESCALATED',
          escalation: { level: 1 },
          feedback: { rating: 'NOT_SATISFIED', channel: 'whatsapp', reason, comment },
        });
        // The citizen sees the reason and the comment they sent, and our acknowledgement.
        await expect(citizen.theirs().filter({ hasText: row.title }).count()).resolves.toBe(1);
        await citizen.waitForMessage('text', messageText({ kind: 'ACKNOWLEDGEMENT', ack: 'ESCALATED', level: 1, grievanceId: closure.grievanceId }, 'hi'));
        await citizen.screenshot('phone-not-satisfied');
      } finally {
        await citizen.close();
        await loop.client.workflow.getHandle(workflowId).terminate('test done').catch(() => undefined);
      }
    });
  });

  test('a citizen who taps "संतुष्ट" sees the thank-you message, and the API shows SATISFIED', async () => {
    await withWhatsApp(dev, async (loop) => {
      const { citizen, closure, workflowId } = await closureWithPhoneOpen(loop, 'सुनीता देवी');
      try {
        const atrMessage = await citizen.waitForMessage('template');
        const satisfied = atrMessage.getByTestId('quick-reply-0').last();
        await expect(satisfied.innerText()).resolves.toMatch(/(^|\s)संतुष्ट/);
        await citizen.tap(satisfied);

        const thanks = messageText({ kind: 'ACKNOWLEDGEMENT', ack: 'SATISFIED', grievanceId: closure.grievanceId }, 'hi');
        const thankYou = await citizen.waitForMessage('text', thanks);
        await expect(thankYou.getByTestId('message-text').innerText()).resolves.toBe(thanks);
        const done = await grievanceWhen(loop.apiUrl, closure.grievanceId, (g) => g.state?.outcome !== undefined);
        expect(done.state).toMatchObject({ outcome: 'SATISFIED', feedback: { rating: 'SATISFIED', channel: 'whatsapp' } });
        expect(done.state!.escalation).toBeUndefined();
        await citizen.screenshot('phone-satisfied');
      } finally {
        await citizen.close();
        await loop.client.workflow.getHandle(workflowId).terminate('test done').catch(() => undefined);
      }
    });
  });

  test('the document on the phone page opens as the ATR PDF on record', async () => {
    await withWhatsApp(dev, async (loop) => {
      const { citizen, closure, workflowId } = await closureWithPhoneOpen(loop, 'मोहन लाल');
      try {
        const link = await citizen.waitFor((await citizen.waitForMessage('template')).getByTestId('document-link'));
        const href = new URL((await link.getAttribute('href'))!, citizen.url).toString();

        // As a citizen taps it: a new tab with the document (Chromium's PDF viewer shows it).
        const [opened] = await Promise.all([
          citizen.context.waitForEvent('response', (r) => r.url() === href && r.request().isNavigationRequest()),
          citizen.context.waitForEvent('page'),
          link.click(),
        ]);
        expect(opened.status()).toBe(200);
        expect(opened.headers()['content-type']).toBe('application/pdf');
        expect(decodeURIComponent(opened.headers()['content-disposition'] ?? '')).toContain(`ATR-${closure.grievanceId}.pdf`);

        // The browser's PDF viewer keeps the navigation's bytes to itself; fetch the same link in the same context.
        const bytes = Buffer.from(await (await citizen.context.request.get(href)).body());
        expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(bytes.subarray(-8).toString('latin1')).toContain('%%EOF');
        const { state } = await grievanceWhen(loop.apiUrl, closure.grievanceId, (g) => g.state?.atr !== undefined);
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(state!.atr!.sha256);

        await citizen.page.bringToFront();
        const shot = await citizen.screenshot('phone-atr-document');
        expect(readFileSync(shot).subarray(1, 4).toString('latin1')).toBe('PNG');
      } finally {
        await citizen.close();
        await loop.client.workflow.getHandle(workflowId).terminate('test done').catch(() => undefined);
      }
    });
  });
});
