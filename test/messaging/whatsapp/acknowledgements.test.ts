/**
 * Acknowledgements that arrive, end to end through the simulator (which refuses free-form text outside the
 * 24-hour window with 131047, as Meta does): feedback from the helpline to a citizen who has not written for a
 * day goes by the approved template and is delivered; a citizen on SMS is thanked by SMS.
 */
import { TEMPLATES } from '../../../messaging/whatsapp/protocol';
import type { SimMessageView, SmsRecord } from '../../../tools/simulator/server';
import { testPool, useOwnDatabase } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { useDevServer } from '../../helpers/temporal';
import { eventually, uniqueMobile, withWhatsApp } from '../../helpers/whatsapp';

const dev = useDevServer();
// The relay takes any pending inbox row: another file's relay would take this file's.
useOwnDatabase();

type Sent = SimMessageView & { request: { type: string; template?: { name: string; components?: unknown[] }; text?: { body: string } } };

const daytime = { feedbackPolicy: { quietHours: null, detailsWaitMinutes: 0 } };

describe('acknowledgements', () => {
  test('outside the 24-hour window, a helpline feedback is acknowledged by the approved template, and it is delivered', async () => {
    await withWhatsApp(dev, async ({ atr, client, simCall }) => {
      const phone = uniqueMobile();
      const closure = makeClosure({ ...daytime, citizen: { name: 'Asha Verma', phone, language: 'en' } });
      const { workflowId } = await atr.closeGrievance(closure);
      const messages = () => simCall<Sent[]>('GET', `/_sim/messages?to=${encodeURIComponent(phone)}`);
      await eventually(async () => (await messages()).find((m) => m.request.template?.name === TEMPLATES.atrDisposed.name));

      // The citizen never wrote to us on WhatsApp: free-form text would fail with 131047.
      await atr.submitFeedback(closure.grievanceId, { rating: 'SATISFIED', channel: 'helpline' });
      const ack = await eventually(async () => (await messages()).find((m) => m.request.template?.name === TEMPLATES.ackSatisfied.name));
      expect(ack.httpStatus).toBe(200);
      expect(ack.request.template!.components).toEqual([{ type: 'body', parameters: [{ type: 'text', text: closure.grievanceId }] }]);
      const delivered = await eventually(async () => (await messages()).find((m) => m.wamid === ack.wamid && m.statuses.some((s) => s.status === 'delivered')));
      expect(delivered.statuses.some((s) => s.status === 'failed')).toBe(false);
      expect((await messages()).filter((m) => m.request.type === 'text')).toEqual([]);
      await client.workflow.getHandle(workflowId).terminate('test done');
    });
  });

  test('a citizen on SMS who answered on the link page is thanked by SMS', async () => {
    await withWhatsApp(dev, async ({ atr, client, simCall, apiUrl }) => {
      const phone = uniqueMobile();
      await simCall('POST', '/_sim/undeliverable', { add: [phone] });
      const closure = makeClosure({ ...daytime, citizen: { name: 'मोहन लाल', phone, language: 'hi' } });
      const { workflowId } = await atr.closeGrievance(closure);
      const sms = () => simCall<SmsRecord[]>('GET', `/_sim/sms?to=${encodeURIComponent(phone)}`);
      const linkSms = await eventually(async () => (await sms())[0]);
      const token = /\/atr\/([A-Za-z0-9_-]{22})/.exec(linkSms.text)![1]!;
      const html = await (await fetch(`${apiUrl}/atr/${token}`)).text();
      const nonce = /name="nonce" value="([^"]+)"/.exec(html)![1]!;
      const answer = await fetch(`${apiUrl}/atr/${token}/feedback`, { method: 'POST', body: new URLSearchParams({ rating: 'SATISFIED', nonce }) });
      expect(answer.status).toBe(200);

      const thanks = await eventually(async () => (await sms()).find((s) => s.text.includes('धन्यवाद')));
      expect(thanks.text).toContain(closure.grievanceId);
      const { rows } = await testPool().query("SELECT purpose FROM outbound_messages WHERE workflow_id = $1 AND channel = 'sms' ORDER BY created_at", [workflowId]);
      expect(rows.map((r) => r.purpose)).toEqual(['SMS_ATR_LINK', 'ACKNOWLEDGEMENT']);
      await client.workflow.getHandle(workflowId).terminate('test done');
    });
  });
});
