/**
 * End to end through the WhatsApp simulator on the dev server: a closure becomes a WhatsApp document, the
 * citizen taps a button, picks a reason and writes a comment, and the department's escalation row holds
 * them; statuses show in the search attributes; a number not on WhatsApp gets the SMS link instead.
 */
import { SA, stateQuery } from '../../../contracts/workflow';
import type { SimMessageView, SmsRecord } from '../../../tools/simulator/server';
import { TEMPLATES } from '../../../messaging/whatsapp/protocol';
import { testPool } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { useDevServer } from '../../helpers/temporal';
import { eventually, uniqueMobile, withWhatsApp } from '../../helpers/whatsapp';

const dev = useDevServer();

const daytime = { feedbackPolicy: { quietHours: null } };

type Sent = SimMessageView & { request: { type: string; template?: { name: string }; interactive?: { type: string }; text?: { body: string } } };

describe('WhatsApp end to end', () => {
  test('delivers the ATR as a template document, and "not satisfied" with a reason and a comment reaches the department', async () => {
    await withWhatsApp(dev, async ({ atr, client, simCall }) => {
      const phone = uniqueMobile();
      const closure = makeClosure({ ...daytime, citizen: { name: 'राम कुमार शर्मा', phone, language: 'hi' } });
      const { workflowId } = await atr.closeGrievance(closure);
      const handle = client.workflow.getHandle(workflowId);
      const messages = () => simCall<Sent[]>('GET', `/_sim/messages?to=${encodeURIComponent(phone)}`);

      const atrMessage = await eventually(async () => (await messages()).find((m) => m.request.template?.name === TEMPLATES.atrDisposed.name));
      const template = atrMessage.request.template as unknown as { language: { code: string }; components: { type: string; parameters: { type: string; document?: { id: string; filename: string } }[] }[] };
      expect(template.language.code).toBe('hi');
      expect(template.components[0]!.parameters[0]).toMatchObject({ type: 'document', document: { filename: `ATR-${closure.grievanceId}.pdf` } });
      await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(SA.deliveryStatus) === 'DELIVERED' ? true : undefined));

      await simCall('POST', '/_sim/inbound', { from: phone, type: 'button', contextWamid: atrMessage.wamid, index: 1 });
      const list = await eventually(async () => (await messages()).find((m) => m.request.interactive?.type === 'list'));
      const rows = (list.request.interactive as unknown as { action: { sections: { rows: { id: string; title: string }[] }[] } }).action.sections[0]!.rows;
      const noContact = rows.find((r) => r.id.endsWith('|NO_CONTACT'))!;
      await simCall('POST', '/_sim/inbound', { from: phone, type: 'list_reply', contextWamid: list.wamid, id: noContact.id, title: noContact.title });
      await eventually(async () => (await messages()).find((m) => m.request.type === 'text'));
      // Typed without quoting our message: routed to the workflow that asked this number for a comment.
      await simCall('POST', '/_sim/inbound', { from: phone, type: 'text', text: 'कोई अधिकारी नहीं आया, नाली अब भी भरी है' });

      const row = await eventually(async () => (await testPool().query('SELECT level, reason, comment FROM escalations WHERE workflow_id = $1', [workflowId])).rows[0]);
      expect(row).toEqual({ level: 1, reason: 'NO_CONTACT', comment: 'कोई अधिकारी नहीं आया, नाली अब भी भरी है' });
      const state = await eventually(async () => {
        const s = await handle.query(stateQuery);
        return s.outcome ? s : undefined;
      });
      expect(state).toMatchObject({ outcome: 'ESCALATED', feedback: { rating: 'NOT_SATISFIED', channel: 'whatsapp' } });
      await handle.terminate('test done');
    });
  });

  test('thanks a satisfied citizen and records the feedback once when the tap is delivered twice', async () => {
    await withWhatsApp(
      dev,
      async ({ atr, client, simCall }) => {
        const phone = uniqueMobile();
        const { workflowId } = await atr.closeGrievance(makeClosure({ ...daytime, citizen: { name: 'Asha Verma', phone, language: 'en' } }));
        const messages = () => simCall<Sent[]>('GET', `/_sim/messages?to=${encodeURIComponent(phone)}`);
        const atrMessage = await eventually(async () => (await messages()).find((m) => m.request.template?.name === TEMPLATES.atrDisposed.name));
        expect((atrMessage.request.template as unknown as { language: { code: string } }).language.code).toBe('en');
        await simCall('POST', '/_sim/inbound', { from: phone, type: 'button', contextWamid: atrMessage.wamid, index: 0 });
        const thanks = await eventually(async () => (await messages()).find((m) => m.request.type === 'text'));
        expect(thanks.request.text!.body).toMatch(/^Thank you for your feedback/);
        const handle = client.workflow.getHandle(workflowId);
        await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(SA.outcome) === 'SATISFIED' ? true : undefined));
        const { rows } = await testPool().query('SELECT count(*)::int AS n FROM feedback WHERE workflow_id = $1', [workflowId]);
        expect(rows[0].n).toBe(1);
        await handle.terminate('test done');
      },
      { chaos: { duplicateWebhooks: true } },
    );
  });

  test('sends the ATR link by SMS when the number is not on WhatsApp, and takes feedback on that page', async () => {
    await withWhatsApp(dev, async ({ atr, client, simCall, apiUrl }) => {
      const phone = uniqueMobile();
      await simCall('POST', '/_sim/undeliverable', { add: [phone] });
      const { workflowId } = await atr.closeGrievance(makeClosure({ ...daytime, citizen: { name: 'मोहन लाल', phone, language: 'hi' } }));
      const handle = client.workflow.getHandle(workflowId);

      const sms = await eventually(async () => (await simCall<SmsRecord[]>('GET', `/_sim/sms?to=${encodeURIComponent(phone)}`))[0]);
      const link = /https?:\/\/\S+\/atr\/([A-Za-z0-9_-]{22})/.exec(sms.text)!;
      expect(sms.text).toMatch(/^राजस्थान सम्पर्क: शिकायत/);
      await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(SA.deliveryStatus) === 'SMS_FALLBACK' ? true : undefined));

      const page = await fetch(`${apiUrl}/atr/${link[1]}`);
      const html = await page.text();
      expect(page.status).toBe(200);
      expect(html).toContain('कार्यवाही रिपोर्ट');
      const nonce = /name="nonce" value="([^"]+)"/.exec(html)![1]!;
      const pdf = await fetch(`${apiUrl}/atr/${link[1]}/pdf`);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');

      const form = new URLSearchParams({ rating: 'NOT_SATISFIED', reason: 'DELAY', comment: 'बहुत देर हुई', nonce });
      const answer = await fetch(`${apiUrl}/atr/${link[1]}/feedback`, { method: 'POST', body: form });
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('आपकी प्रतिक्रिया दर्ज कर ली गई है');

      const row = await eventually(async () => (await testPool().query('SELECT reason, comment FROM escalations WHERE workflow_id = $1', [workflowId])).rows[0]);
      expect(row).toEqual({ reason: 'DELAY', comment: 'बहुत देर हुई' });
      expect((await handle.query(stateQuery)).feedback).toMatchObject({ channel: 'sms-link' });
      expect((await fetch(`${apiUrl}/atr/AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
      await handle.terminate('test done');
    });
  });
});
