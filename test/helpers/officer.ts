/**
 * The officers' inbox for tests: the real API (buildApi with the inbox wired to the real repositories and the
 * EscalationClient on the run's dev server) on a free port, directory officers with real accounts, and a small
 * cookie-keeping HTTP agent that reads each form's CSRF token from the page, as a browser would.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { buildApi } from '../../api/server';
import { createInboxDeps } from '../../api/officer/wiring';
import type { OfficerInboxOptions } from '../../api/officer';
import { AtrClient } from '../../client';
import { EscalationClient } from '../../client/escalations';
import type { Officer } from '../../contracts';
import type { ClosureRequest, FeedbackReason } from '../../contracts/closure';
import { createEscalationRepository } from '../../db/repositories/escalations';
import { createOfficerRepository } from '../../db/repositories/officers';
import { runOfficerAccount } from '../../cli/officer-accounts';
import { createLogger } from '../../lib/log';
import { testIdempotency, testIntake, testPool } from './db';
import { makeClosure } from './fixtures';
import { eventually } from './whatsapp';

/** A running inbox. */
export interface TestInbox {
  url: string;
  close(): Promise<void>;
}

/** Starts the API with the inbox on a free port. */
export async function startInbox(client: Client, overrides: Partial<OfficerInboxOptions> = {}, logger = createLogger('silent')): Promise<TestInbox> {
  const pool = testPool();
  const app = await buildApi({
    atr: new AtrClient(client, testIntake()),
    apiKey: 'x'.repeat(16),
    idempotency: testIdempotency(),
    logger,
    health: {},
    officerInbox: {
      ...createInboxDeps(pool, new EscalationClient(client, createEscalationRepository(pool))),
      cookieSecret: 'test-officer-cookie-secret-0123456789',
      secure: false,
      sessionHours: 8,
      production: false,
      ...overrides,
    },
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

/** A directory officer with a login; ids are unique per call so files sharing the database never meet. */
export async function makeOfficer(o: Pick<Officer, 'role' | 'departmentCode' | 'districtCode'> & { name?: string }, origin: 'ops' | 'seeded' = 'ops') {
  const officerId = `t-${o.role.toLowerCase()}-${randomUUID().slice(0, 8)}`;
  await createOfficerRepository(testPool()).upsertOfficers([
    { officerId, name: o.name ?? `Officer ${officerId}`, role: o.role, departmentCode: o.departmentCode, districtCode: o.districtCode, whatsappPhone: '+919812345678', active: true },
  ]);
  const { password } = await runOfficerAccount(testPool(), officerId, origin);
  return { officerId, password };
}

/** An answer as the agent saw it. */
export interface Answer {
  status: number;
  location: string | null;
  html: string;
  headers: Headers;
}

/** A cookie-keeping HTTP agent, with no redirects followed (each one is asserted). */
export class Agent {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private keep(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const name = pair!.slice(0, pair!.indexOf('='));
      const value = pair!.slice(pair!.indexOf('=') + 1);
      const gone = value === '' || attrs.some((a) => /^\s*max-age=0$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<Answer> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    this.keep(res.headers);
    return { status: res.status, location: res.headers.get('location'), html: await res.text(), headers: res.headers };
  }

  get(path: string): Promise<Answer> {
    return this.request('GET', path);
  }

  /** Posts a form; `_csrf` is the token of the page given (or of the page at `from`), unless the form sets its own. */
  async post(path: string, form: Record<string, string> = {}, from?: string | Answer): Promise<Answer> {
    const page = typeof from === 'string' ? await this.get(from) : from;
    const token = page ? csrfIn(page.html) : undefined;
    return this.request('POST', path, { ...(token ? { _csrf: token } : {}), ...form });
  }

  /** Logs in through the login form; returns the login POST's answer. */
  async login(officerId: string, password: string): Promise<Answer> {
    return this.post('/officer/login', { officerId, password }, '/officer/login');
  }
}

/** The first CSRF token in a page. */
export function csrfIn(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

/**
 * A "not satisfied" through the real path: the closure's ATR workflow runs on the test worker, the feedback goes in
 * as the portal would post it, and the escalation it raises is awaited in the read model. Returns its ids.
 */
export async function escalate(
  atr: AtrClient,
  closure: { department?: { code: string; nameEn: string }; district?: { code: string; nameEn: string }; citizen?: ClosureRequest['citizen'] },
  feedback: { reason: FeedbackReason; comment?: string } = { reason: 'NOT_RESOLVED', comment: 'पानी अब भी भरा है' },
): Promise<{ grievanceId: string; workflowId: string; escalationId: string }> {
  const request = makeClosure({ feedbackPolicy: { quietHours: null }, ...closure });
  const { workflowId } = await atr.closeGrievance(request);
  await eventually(async () => ((await atr.getStatus(request.grievanceId)).state?.stage === 'AWAITING_FEEDBACK' ? true : undefined));
  await atr.submitFeedback(request.grievanceId, { rating: 'NOT_SATISFIED', ...feedback, messageId: `portal-${request.grievanceId}` });
  // Raised by the ATR workflow, then taken over by its escalation workflow (which the inbox's actions update).
  const escalationId = await eventually(
    async () =>
      (await testPool().query<{ escalation_id: string }>('SELECT escalation_id FROM escalations WHERE grievance_id = $1 AND escalation_workflow_id IS NOT NULL', [request.grievanceId])).rows[0]
        ?.escalation_id,
  );
  return { grievanceId: request.grievanceId, workflowId, escalationId };
}
