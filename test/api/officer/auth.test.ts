/**
 * The inbox's login over real HTTP with the real PostgreSQL: signed session cookies backed by session rows, CSRF on
 * every state-changing form, logout and expiry, the per-account lockout, the per-IP limit, and production refusing
 * accounts that `npm start` seeded.
 */
import { createOfficerAccountRepository } from '../../../db/repositories/officer-accounts';
import { testPool } from '../../helpers/db';
import { Agent, csrfIn, makeOfficer, startInbox, type TestInbox } from '../../helpers/officer';
import { useDevServer } from '../../helpers/temporal';

const dev = useDevServer();
let inbox: TestInbox;

// An inbox per test: logins are limited to 30 per IP in ten minutes, and every test here logs in from 127.0.0.1.
beforeEach(async () => {
  inbox = await startInbox(dev.client);
});
afterEach(async () => {
  await inbox?.close();
});

const l1 = () => makeOfficer({ role: 'L1', departmentCode: 'LSG', districtCode: 'JPR' });
const audit = (officerId: string) => createOfficerAccountRepository(testPool()).auditTrail({ officerId });
const sessionRows = async (officerId: string) =>
  (await testPool().query<{ ended: boolean }>('SELECT ended_at IS NOT NULL AS ended FROM officer_sessions WHERE officer_id = $1 ORDER BY created_at', [officerId])).rows;

describe('login', () => {
  test('the inbox sends a visitor without a session to the login page', async () => {
    const agent = new Agent(inbox.url);
    expect(await agent.get('/officer')).toMatchObject({ status: 303, location: '/officer/login' });
    const login = await agent.get('/officer/login');
    expect(login.status).toBe(200);
    expect(login.html).toContain('<html lang="hi">');
    expect(login.headers.get('cache-control')).toBe('no-store');
    expect(login.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  test('a right password opens a session in an HttpOnly, SameSite cookie, stored only as a hash, and is audited', async () => {
    const { officerId, password } = await l1();
    const agent = new Agent(inbox.url);
    const answer = await agent.login(officerId, password);
    expect(answer).toMatchObject({ status: 303, location: '/officer' });
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('sampark_officer='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/officer/);
    const token = agent.cookies.get('sampark_officer')!.split('.')[0]!;
    const stored = await testPool().query('SELECT session_hash FROM officer_sessions WHERE officer_id = $1', [officerId]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].session_hash).not.toContain(decodeURIComponent(token));
    expect((await agent.get('/officer')).status).toBe(200);
    expect((await audit(officerId)).map((a) => a.action)).toEqual(['LOGIN']);
  });

  test('a new login replaces the session of that browser (the old token stops working)', async () => {
    const { officerId, password } = await l1();
    const agent = new Agent(inbox.url);
    await agent.login(officerId, password);
    const first = agent.cookies.get('sampark_officer')!;
    await agent.login(officerId, password);
    expect(agent.cookies.get('sampark_officer')).not.toBe(first);
    expect(await sessionRows(officerId)).toEqual([{ ended: true }, { ended: false }]);
    const replay = new Agent(inbox.url);
    replay.cookies.set('sampark_officer', first);
    expect((await replay.get('/officer')).location).toBe('/officer/login?notice=expired');
  });

  test('a wrong password and an unknown officer get the same answer', async () => {
    const { officerId } = await l1();
    const wrong = await new Agent(inbox.url).login(officerId, 'not-the-password');
    const unknown = await new Agent(inbox.url).login('t-nobody-00000000', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (html: string) => /<p class="error"[^>]*>([^<]*)<\/p>/.exec(html)![1];
    expect(message(wrong.html)).toBe(message(unknown.html));
    expect((await audit(officerId)).map((a) => a.action)).toEqual(['LOGIN_FAILED']);
  });

  test('a forged session cookie is refused', async () => {
    const agent = new Agent(inbox.url);
    agent.cookies.set('sampark_officer', 'forged-token-value.c2lnbmF0dXJl');
    expect((await agent.get('/officer')).status).toBe(303);
  });
});

describe('lockout', () => {
  test('five wrong passwords lock the account for 15 minutes, the right one included; it opens again after', async () => {
    const { officerId, password } = await l1();
    const agent = new Agent(inbox.url);
    for (let i = 0; i < 5; i++) expect((await agent.login(officerId, `wrong-${i}`)).status).toBe(401);
    expect((await agent.login(officerId, password)).status).toBe(401);
    const actions = (await audit(officerId)).map((a) => a.action);
    expect(actions.filter((a) => a === 'LOCKED')).toHaveLength(1);
    expect(actions.filter((a) => a === 'LOGIN')).toHaveLength(0);
    const { rows } = await testPool().query("SELECT locked_until > now() + interval '14 minutes' AS locked FROM officer_accounts WHERE officer_id = $1", [officerId]);
    expect(rows[0].locked).toBe(true);

    await testPool().query("UPDATE officer_accounts SET locked_until = now() - interval '1 second' WHERE officer_id = $1", [officerId]);
    expect(await agent.login(officerId, password)).toMatchObject({ status: 303, location: '/officer' });
  });

  test('a right password before the fifth wrong one starts the count again', async () => {
    const { officerId, password } = await l1();
    const agent = new Agent(inbox.url);
    for (let i = 0; i < 4; i++) await agent.login(officerId, `wrong-${i}`);
    expect((await agent.login(officerId, password)).status).toBe(303);
    for (let i = 0; i < 4; i++) await agent.login(officerId, `wrong-${i}`);
    expect((await agent.login(officerId, password)).status).toBe(303);
  });
});

describe('CSRF', () => {
  test('a login form without its token, or with a made-up one, is refused with 403', async () => {
    const { officerId, password } = await l1();
    const agent = new Agent(inbox.url);
    await agent.get('/officer/login');
    expect((await agent.request('POST', '/officer/login', { officerId, password })).status).toBe(403);
    expect((await agent.request('POST', '/officer/login', { officerId, password, _csrf: 'made-up-token' })).status).toBe(403);
    expect(await sessionRows(officerId)).toEqual([]);
  });

  test("a signed-in officer's forms need their session's token: none, a pre-login one or another session's are refused", async () => {
    const { officerId, password } = await l1();
    const agent = new Agent(inbox.url);
    const loginPage = await agent.get('/officer/login');
    await agent.login(officerId, password);
    expect((await agent.request('POST', '/officer/logout', {})).status).toBe(403);
    expect((await agent.request('POST', '/officer/logout', { _csrf: csrfIn(loginPage.html)! })).status).toBe(403);

    const other = await l1();
    const otherAgent = new Agent(inbox.url);
    await otherAgent.login(other.officerId, other.password);
    const othersToken = csrfIn((await otherAgent.get('/officer')).html)!;
    expect((await agent.request('POST', '/officer/logout', { _csrf: othersToken })).status).toBe(403);
    expect(await sessionRows(officerId)).toEqual([{ ended: false }]);
  });
});

describe('sessions end', () => {
  test('logout ends the session row and the cookie; the old cookie no longer opens the inbox', async () => {
    const { officerId, password } = await l1();
    const agent = new Agent(inbox.url);
    await agent.login(officerId, password);
    const cookie = agent.cookies.get('sampark_officer')!;
    expect(await agent.post('/officer/logout', {}, '/officer')).toMatchObject({ status: 303, location: '/officer/login?notice=loggedOut' });
    expect(agent.cookies.has('sampark_officer')).toBe(false);
    expect(await sessionRows(officerId)).toEqual([{ ended: true }]);
    const replay = new Agent(inbox.url);
    replay.cookies.set('sampark_officer', cookie);
    expect((await replay.get('/officer')).location).toBe('/officer/login?notice=expired');
    expect((await audit(officerId)).map((a) => a.action)).toEqual(['LOGIN', 'LOGOUT']);
  });

  test('a session past its expiry, or idle for over an hour, sends the officer back to log in', async () => {
    const { officerId, password } = await l1();
    const agent = new Agent(inbox.url);
    await agent.login(officerId, password);
    await testPool().query("UPDATE officer_sessions SET expires_at = now() - interval '1 second' WHERE officer_id = $1", [officerId]);
    expect(await agent.get('/officer')).toMatchObject({ status: 303, location: '/officer/login?notice=expired' });

    await agent.login(officerId, password);
    expect((await agent.get('/officer')).status).toBe(200);
    await testPool().query("UPDATE officer_sessions SET last_seen_at = now() - interval '61 minutes' WHERE officer_id = $1 AND ended_at IS NULL", [officerId]);
    expect(await agent.get('/officer')).toMatchObject({ status: 303, location: '/officer/login?notice=expired' });
    const expired = await agent.get('/officer/login?notice=expired');
    expect(expired.html).toContain('आपका सत्र समाप्त हो गया है');
  });

  test('an officer taken out of the directory loses the session at once', async () => {
    const { officerId, password } = await l1();
    const agent = new Agent(inbox.url);
    await agent.login(officerId, password);
    await testPool().query('UPDATE officers SET active = false WHERE officer_id = $1', [officerId]);
    expect((await agent.get('/officer')).status).toBe(303);
    expect((await agent.login(officerId, password)).status).toBe(401);
  });
});

describe('production and limits', () => {
  test('production refuses a login to an account that npm start seeded', async () => {
    const seeded = await makeOfficer({ role: 'L2', departmentCode: null, districtCode: 'JPR' }, 'seeded');
    const production = await startInbox(dev.client, { production: true });
    try {
      expect((await new Agent(production.url).login(seeded.officerId, seeded.password)).status).toBe(401);
      expect((await new Agent(inbox.url).login(seeded.officerId, seeded.password)).status).toBe(303);
    } finally {
      await production.close();
    }
  });

  test('logins are limited per IP: the 31st in ten minutes gets 429', async () => {
    const agent = new Agent(inbox.url);
    const page = await agent.get('/officer/login');
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await agent.post('/officer/login', { officerId: 't-nobody-00000000', password: 'x' }, page)).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    const again = await agent.post('/officer/login', { officerId: 't-nobody-00000000', password: 'x' }, page);
    expect(again.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  test('the language switch keeps to inbox pages and shows English', async () => {
    const agent = new Agent(inbox.url);
    expect(await agent.get('/officer/language/en?back=https://evil.example/')).toMatchObject({ status: 303, location: '/officer' });
    expect(await agent.get('/officer/language/en?back=/officer/login')).toMatchObject({ status: 303, location: '/officer/login' });
    const login = await agent.get('/officer/login');
    expect(login.html).toContain('<html lang="en">');
    expect(login.html).toContain("Officers' inbox: log in");
  });
});
