/**
 * The inbox's scope and case page over real HTTP: escalations raised through the real ATR workflow on the dev server
 * (a worker with the real activities and PostgreSQL), officers of the directory logged in with real accounts. An L1
 * officer sees only their department in their district, L2 the district, L3 the state; a case outside the scope is a
 * 404 on every route, as one that does not exist. The citizen's phone is masked until asked for, and each reveal is
 * audited without the number.
 */
import { createOfficerAccountRepository } from '../../../db/repositories/officer-accounts';
import { createLogger } from '../../../lib/log';
import { testPool } from '../../helpers/db';
import { Agent, escalate, makeOfficer, startInbox, type TestInbox } from '../../helpers/officer';
import { runWithWorker, useDevServer } from '../../helpers/temporal';

const dev = useDevServer();
let inbox: TestInbox;
/** Every line the inbox logged (at debug, so request logs are in). */
const logged: string[] = [];
/** Three escalations: LSG and PHED in Jaipur, Energy in Jodhpur; each officer below in its own department. */
const cases = {} as Record<'lsgJaipur' | 'phedJaipur' | 'energyJodhpur', { grievanceId: string; workflowId: string; escalationId: string }>;
const officers = {} as Record<'l1Lsg' | 'l2Jaipur' | 'l3', { officerId: string; password: string }>;

beforeAll(async () => {
  inbox = await startInbox(dev.client, {}, createLogger('debug', {}, { write: (line: string) => void logged.push(line) }));
  await runWithWorker({ connection: dev }, async ({ atr, client }) => {
    const JPR = { code: 'JPR', nameEn: 'Jaipur' };
    cases.lsgJaipur = await escalate(atr, { department: { code: 'LSG', nameEn: 'Local Self Government' }, district: JPR, citizen: { name: 'राम कुमार', phone: '9876543210', language: 'hi' } });
    cases.phedJaipur = await escalate(atr, { department: { code: 'PHED', nameEn: 'Public Health Engineering' }, district: JPR });
    cases.energyJodhpur = await escalate(atr, { department: { code: 'ENERGY', nameEn: 'Energy' }, district: { code: 'JDH', nameEn: 'Jodhpur' } }, { reason: 'NO_CONTACT' });
    for (const c of Object.values(cases)) await client.workflow.getHandle(c.workflowId).terminate('test: escalated, nothing more to wait for');
  });
  officers.l1Lsg = await makeOfficer({ role: 'L1', departmentCode: 'LSG', districtCode: 'JPR' });
  officers.l2Jaipur = await makeOfficer({ role: 'L2', departmentCode: null, districtCode: 'JPR' });
  officers.l3 = await makeOfficer({ role: 'L3', departmentCode: null, districtCode: null });
});
afterAll(async () => {
  await inbox?.close();
});

async function signedIn(who: keyof typeof officers): Promise<Agent> {
  const agent = new Agent(inbox.url);
  expect((await agent.login(officers[who].officerId, officers[who].password)).status).toBe(303);
  return agent;
}
const casePath = (c: { escalationId: string }) => `/officer/cases/${encodeURIComponent(c.escalationId)}`;
const listed = (html: string) => [...html.matchAll(/href="\/officer\/cases\/([^"]+)"/g)].map((m) => decodeURIComponent(m[1]!));

describe('scope', () => {
  test("an L1 officer sees only their department in their district; another department's case by URL is 404 on every route", async () => {
    const agent = await signedIn('l1Lsg');
    const list = listed((await agent.get('/officer')).html);
    expect(list).toContain(cases.lsgJaipur.escalationId);
    expect(list).not.toContain(cases.phedJaipur.escalationId);
    expect(list).not.toContain(cases.energyJodhpur.escalationId);
    expect((await agent.get(casePath(cases.lsgJaipur))).status).toBe(200);

    const other = casePath(cases.phedJaipur);
    const outOfScope = await agent.get(other);
    const missing = await agent.get('/officer/cases/esc-atr-NEVER-RAISED-c1');
    expect(outOfScope.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(outOfScope.html).toBe(missing.html);
    expect(outOfScope.html).not.toContain(cases.phedJaipur.grievanceId);
    for (const sub of ['/atr', '/voice']) expect((await agent.get(`${other}${sub}`)).status).toBe(404);
    const page = await agent.get(casePath(cases.lsgJaipur));
    for (const action of ['/phone', '/acknowledge']) expect((await agent.post(`${other}${action}`, {}, page)).status).toBe(404);
    expect(await createOfficerAccountRepository(testPool()).auditTrail({ escalationId: cases.phedJaipur.escalationId })).toEqual([]);
  });

  test('an L2 officer sees every department of their district and no other district', async () => {
    const agent = await signedIn('l2Jaipur');
    const list = listed((await agent.get('/officer?district=JPR')).html);
    expect(list).toEqual(expect.arrayContaining([cases.lsgJaipur.escalationId, cases.phedJaipur.escalationId]));
    expect(listed((await agent.get('/officer?district=JDH')).html)).toEqual([]);
    expect((await agent.get(casePath(cases.energyJodhpur))).status).toBe(404);
    expect((await agent.get(casePath(cases.phedJaipur))).status).toBe(200);
  });

  test('an L3 officer sees the whole state, and the filters narrow it', async () => {
    const agent = await signedIn('l3');
    expect(listed((await agent.get('/officer?department=ENERGY&district=JDH')).html)).toContain(cases.energyJodhpur.escalationId);
    expect(listed((await agent.get('/officer?department=ENERGY&district=JDH&level=2')).html)).not.toContain(cases.energyJodhpur.escalationId);
    expect(listed((await agent.get('/officer?department=LSG&district=JPR&status=OPEN&level=1&sla=')).html)).toContain(cases.lsgJaipur.escalationId);
    expect((await agent.get(casePath(cases.energyJodhpur))).status).toBe(200);
    expect((await agent.get('/officer?level=7')).status).toBe(400);
  });
});

describe('case page', () => {
  test("shows the citizen's reason and comment, the ATR as a PDF, and the phone masked", async () => {
    const agent = await signedIn('l1Lsg');
    const page = await agent.get(casePath(cases.lsgJaipur));
    expect(page.html).toContain(cases.lsgJaipur.grievanceId);
    expect(page.html).toContain('पानी अब भी भरा है');
    expect(page.html).toContain('+91 98xxxxxx10');
    expect(page.html).not.toContain('9876543210');
    const pdf = await fetch(`${inbox.url}${casePath(cases.lsgJaipur)}/atr`, { headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  });

  test('"show number" reveals the full number and is audited with officer, case and time; neither the audit nor the logs hold the number', async () => {
    const agent = await signedIn('l1Lsg');
    const before = new Date(Date.now() - 1000);
    const revealed = await agent.post(`${casePath(cases.lsgJaipur)}/phone`, {}, casePath(cases.lsgJaipur));
    expect(revealed.status).toBe(200);
    expect(revealed.html).toContain('+91 9876543210');
    const trail = await createOfficerAccountRepository(testPool()).auditTrail({ escalationId: cases.lsgJaipur.escalationId });
    expect(trail).toEqual([{ officerId: officers.l1Lsg.officerId, escalationId: cases.lsgJaipur.escalationId, action: 'PHONE_REVEALED', at: expect.any(Date) }]);
    expect(trail[0]!.at.getTime()).toBeGreaterThan(before.getTime());
    const { rows } = await testPool().query('SELECT * FROM officer_audit WHERE escalation_id = $1', [cases.lsgJaipur.escalationId]);
    expect(JSON.stringify(rows)).not.toMatch(/9876543210|98765/);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.filter((line) => /9876543210|98765/.test(line))).toEqual([]);
    // Without the form's token nothing is revealed and nothing recorded.
    expect((await agent.request('POST', `${casePath(cases.lsgJaipur)}/phone`, {})).status).toBe(403);
    expect(await createOfficerAccountRepository(testPool()).auditTrail({ escalationId: cases.lsgJaipur.escalationId })).toHaveLength(1);
  });
});

describe('actions', () => {
  test('a note, a question and a transfer go through the escalation workflow; after the transfer the case leaves the L1 inbox', async () => {
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      const esc = await escalate(atr, { department: { code: 'LSG', nameEn: 'Local Self Government' }, district: { code: 'JPR', nameEn: 'Jaipur' } }, { reason: 'WRONG_JURISDICTION', comment: 'यह जलदाय विभाग का काम है' });
      try {
        const agent = await signedIn('l1Lsg');
        const path = casePath(esc);
        expect(await agent.post(`${path}/note`, { text: 'साइट निरीक्षण कल' }, path)).toMatchObject({ status: 303, location: `${path}?done=noted` });
        expect(await agent.post(`${path}/ask`, { question: 'पानी कहाँ भरा है?' }, path)).toMatchObject({ status: 303, location: `${path}?done=asked` });
        const blank = await agent.post(`${path}/note`, { text: '   ' }, path);
        expect(blank.status).toBe(400);
        expect(blank.html).toContain('text');
        expect(await agent.post(`${path}/transfer`, { department: 'PHED', text: 'जलदाय विभाग का मामला' }, path)).toMatchObject({ status: 303, location: `${path}?done=transferred` });

        // Now PHED's in Jaipur: the LSG officer no longer sees it; the district still does, with the whole history.
        expect((await agent.get(path)).status).toBe(404);
        const district = await signedIn('l2Jaipur');
        const history = /<ol data-testid="history">([\s\S]*?)<\/ol>/.exec((await district.get(path)).html)![1]!;
        for (const text of ['टिप्पणी जोड़ी गई', 'साइट निरीक्षण कल', 'नागरिक से प्रश्न पूछा गया', 'पानी कहाँ भरा है?', 'स्थानांतरित', 'जलदाय विभाग का मामला']) expect(history).toContain(text);
        const trail = await createOfficerAccountRepository(testPool()).auditTrail({ escalationId: esc.escalationId });
        expect(trail.map((a) => a.action)).toEqual(['ADD_NOTE', 'ASK_CITIZEN', 'TRANSFER']);
      } finally {
        await client.workflow.getHandle(esc.workflowId).terminate('test done').catch(() => undefined);
        await client.workflow.getHandle(`esc-${esc.grievanceId}-c1`).terminate('test done').catch(() => undefined);
      }
    });
  });

  test('an action the workflow refuses comes back to the case page with the reason, and nothing is audited', async () => {
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      const esc = await escalate(atr, { department: { code: 'LSG', nameEn: 'Local Self Government' }, district: { code: 'JPR', nameEn: 'Jaipur' } });
      try {
        await client.workflow.getHandle(`esc-${esc.grievanceId}-c1`).terminate('test: the escalation ended');
        const agent = await signedIn('l1Lsg');
        const answer = await agent.post(`${casePath(esc)}/acknowledge`, {}, casePath(esc));
        expect(answer.status).toBe(303);
        expect(answer.location).toMatch(/\?done=refused&why=/);
        const page = await agent.get(answer.location!);
        expect(page.html).toContain('नहीं हुआ:');
        expect(await createOfficerAccountRepository(testPool()).auditTrail({ escalationId: esc.escalationId })).toEqual([]);
      } finally {
        await client.workflow.getHandle(esc.workflowId).terminate('test done').catch(() => undefined);
      }
    });
  });
});
