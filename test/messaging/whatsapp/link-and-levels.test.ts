/**
 * The citizen's side end to end through the WhatsApp simulator: every ATR message (the first send, a reminder, an
 * operator's resend) carries the "View ATR" button to one link page; "not satisfied" names the level it goes to;
 * a department's own reasons are the only ones offered (misconduct always), and misconduct goes straight to the
 * state, marked for vigilance; "Other reason" asks for the comment that gives it.
 */
import { atrLinkHash } from '../../../activities';
import { SA } from '../../../contracts/workflow';
import { TEMPLATES } from '../../../messaging/whatsapp/protocol';
import { WORDING } from '../../../messaging/wording';
import type { SimMessageView } from '../../../tools/simulator/server';
import { testPool } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { useDevServer } from '../../helpers/temporal';
import { CREDENTIALS, eventually, uniqueMobile, withWhatsApp, type WhatsAppLoop } from '../../helpers/whatsapp';

const dev = useDevServer();

type Component = { type: string; sub_type?: string; index?: string; parameters: { type: string; text?: string }[] };
type Sent = SimMessageView & {
  request: { type: string; template?: { name: string; components?: Component[] }; interactive?: { type: string; action: { sections: { rows: { id: string; title: string }[] }[] } }; text?: { body: string } };
};

const messagesTo = (loop: WhatsAppLoop, phone: string) => loop.simCall<Sent[]>('GET', `/_sim/messages?to=${encodeURIComponent(phone)}`);
const texts = async (loop: WhatsAppLoop, phone: string) => (await messagesTo(loop, phone)).filter((m) => m.request.type === 'text').map((m) => m.request.text!.body);

/** Taps "not satisfied" on the delivered ATR and picks `reason` from the list; returns the list's reason codes. */
async function notSatisfiedWith(loop: WhatsAppLoop, phone: string, reason: string): Promise<string[]> {
  const atr = await eventually(async () => (await messagesTo(loop, phone)).find((m) => m.wamid && m.request.template?.name === TEMPLATES.atrDisposed.name));
  await loop.simCall('POST', '/_sim/inbound', { from: phone, type: 'button', contextWamid: atr.wamid, index: 1 });
  const list = await eventually(async () => (await messagesTo(loop, phone)).find((m) => m.wamid && m.request.interactive?.type === 'list'));
  const rows = list.request.interactive!.action.sections[0]!.rows;
  const row = rows.find((r) => r.id.endsWith(`|${reason}`))!;
  await loop.simCall('POST', '/_sim/inbound', { from: phone, type: 'list_reply', contextWamid: list.wamid, id: row.id, title: row.title });
  return rows.map((r) => r.id.split('|')[2]!);
}

test('the first send, a reminder and a resend each carry the "View ATR" button to the one link page', async () => {
  await withWhatsApp(dev, async (loop) => {
    const phone = uniqueMobile();
    // A reminder 18 s after delivery, inside a one-hour window.
    const closure = makeClosure({ feedbackPolicy: { quietHours: null, reminderOffsetsHours: [0.005], feedbackWindowHours: 1 }, citizen: { name: 'Asha Verma', phone, language: 'en' } });
    const { workflowId } = await loop.atr.closeGrievance(closure);
    const handle = loop.client.workflow.getHandle(workflowId);
    await eventually(async () => ((await messagesTo(loop, phone)).some((m) => m.wamid && m.request.template?.name === TEMPLATES.atrReminder.name) ? true : undefined), 90_000);
    await loop.atr.resendAtr(closure.grievanceId, 'ops-test');

    const templates = (await messagesTo(loop, phone)).filter((m) => m.wamid && m.request.template);
    expect(templates.map((m) => m.request.template!.name).sort()).toEqual([TEMPLATES.atrDisposed.name, TEMPLATES.atrDisposed.name, TEMPLATES.atrReminder.name].sort());
    const links = templates.map((m) => m.request.template!.components!.filter((c) => c.type === 'button' && c.sub_type === 'url'));
    for (const buttons of links) expect(buttons).toEqual([{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) }] }]);
    const tokens = new Set(links.map((b) => b[0]!.parameters[0]!.text!));
    expect(tokens.size).toBe(1);
    const [token] = [...tokens];
    const { rows } = await testPool().query('SELECT workflow_id FROM atr_links WHERE token_hash = $1', [atrLinkHash(token!)]);
    expect(rows).toEqual([{ workflow_id: workflowId }]);
    const page = await fetch(`${loop.apiUrl}/atr/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(closure.grievanceId);
    // The citizen's phone shows the button as a link to that page.
    expect(await (await fetch(`${loop.simUrl}/phone/${encodeURIComponent(phone)}`)).text()).toContain(`/atr/${token}`);
    await handle.terminate('test done');
  });
}, 150_000);

test("a department's reasons are the only ones listed, misconduct always; misconduct goes to the state, marked for vigilance, and every message says so", async () => {
  await withWhatsApp(dev, async (loop) => {
    const phone = uniqueMobile();
    const department = { code: `RSN${Date.now() % 1e6}`, nameEn: 'Revenue', nameHi: 'राजस्व विभाग' };
    await testPool().query('INSERT INTO department_policies (department_code, policy) VALUES ($1, $2)', [department.code, { reasons: ['NOT_RESOLVED', 'OTHER'] }]);
    const { workflowId } = await loop.atr.closeGrievance(makeClosure({ department, feedbackPolicy: { quietHours: null }, citizen: { name: 'सीता', phone, language: 'hi' } }));
    const handle = loop.client.workflow.getHandle(workflowId);

    expect(await notSatisfiedWith(loop, phone, 'MISCONDUCT')).toEqual(['NOT_RESOLVED', 'MISCONDUCT', 'OTHER']);
    const state = WORDING.hi.levels[3];
    const prompt = await eventually(async () => (await texts(loop, phone))[0]);
    expect(prompt).toContain(state);
    await loop.simCall('POST', '/_sim/inbound', { from: phone, type: 'text', text: 'अधिकारी ने पैसे माँगे' });

    const row = await eventually(async () => (await testPool().query('SELECT level, level_name, reason, vigilance FROM escalations WHERE workflow_id = $1', [workflowId])).rows[0]);
    expect(row).toEqual({ level: 3, level_name: 'STATE', reason: 'MISCONDUCT', vigilance: true });
    await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(SA.escalationLevel) === 3 ? true : undefined));
    const ack = await eventually(async () => (await texts(loop, phone)).find((t) => t.includes('असंतुष्टि दर्ज')));
    expect(ack).toContain(state);
    expect(ack).not.toContain('उच्च स्तर');
    await handle.terminate('test done');
  });
});

test('"Other reason" in cycle 1 asks for the reason as a comment, and the acknowledgement names the department\'s officer', async () => {
  await withWhatsApp(dev, async (loop) => {
    const phone = uniqueMobile();
    const { workflowId } = await loop.atr.closeGrievance(makeClosure({ feedbackPolicy: { quietHours: null }, citizen: { name: 'Asha Verma', phone, language: 'en' } }));
    const handle = loop.client.workflow.getHandle(workflowId);
    await notSatisfiedWith(loop, phone, 'OTHER');
    const prompt = await eventually(async () => (await texts(loop, phone))[0]);
    expect(prompt).toContain('You chose "Other reason": please type the reason');
    expect(prompt).toContain(WORDING.en.levels[1]);
    await loop.simCall('POST', '/_sim/inbound', { from: phone, type: 'text', text: 'The pump was taken away the next day' });
    const ack = await eventually(async () => (await texts(loop, phone)).find((t) => t.startsWith('Your dissatisfaction has been recorded')));
    expect(ack).toContain("has been sent to the department's officer in your district for review");
    const row = await eventually(async () => (await testPool().query('SELECT level, reason, comment, vigilance FROM escalations WHERE workflow_id = $1', [workflowId])).rows[0]);
    expect(row).toEqual({ level: 1, reason: 'OTHER', comment: 'The pump was taken away the next day', vigilance: false });
    await handle.terminate('test done');
  });
});

test("the portal's feedback route takes only the department's reasons (misconduct always) and the link page's rules, naming the field", async () => {
  await withWhatsApp(dev, async (loop) => {
    const department = { code: `RSP${Date.now() % 1e6}`, nameEn: 'Revenue', nameHi: 'राजस्व विभाग' };
    await testPool().query('INSERT INTO department_policies (department_code, policy) VALUES ($1, $2)', [department.code, { reasons: ['DELAY'] }]);
    const closure = makeClosure({ department, feedbackPolicy: { quietHours: null }, citizen: { name: 'सीता', phone: uniqueMobile(), language: 'hi' } });
    const { workflowId } = await loop.atr.closeGrievance(closure);
    // The department's reasons are known once the closure is recorded (its first activity).
    await eventually(async () => ((await testPool().query('SELECT 1 FROM closures WHERE workflow_id = $1', [workflowId])).rowCount ? true : undefined));
    const feedback = (body: Record<string, unknown>) =>
      fetch(`${loop.apiUrl}/v1/grievances/${closure.grievanceId}/feedback`, { method: 'POST', headers: { authorization: `Bearer ${CREDENTIALS.portalApiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const refusals: [Record<string, unknown>, string][] = [
      [{ rating: 'NOT_SATISFIED', reason: 'NOT_RESOLVED' }, 'reason'],
      [{ rating: 'SATISFIED', reason: 'DELAY' }, 'reason'],
      [{ rating: 'NOT_SATISFIED', reason: 'OTHER', comment: 'x' }, 'reason'],
    ];
    for (const [body, field] of refusals) {
      const res = await feedback(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(((await res.json()) as { fields: unknown }).fields).toEqual([expect.objectContaining({ field })]);
    }
    const accepted = await feedback({ rating: 'NOT_SATISFIED', reason: 'MISCONDUCT', comment: 'पैसे माँगे', messageId: 'helpline-1' });
    expect(accepted.status).toBe(202);
    const row = await eventually(async () => (await testPool().query('SELECT level, vigilance FROM escalations WHERE workflow_id = $1', [workflowId])).rows[0]);
    expect(row).toEqual({ level: 3, vigilance: true });
    await loop.client.workflow.getHandle(workflowId).terminate('test done');
  });
});
