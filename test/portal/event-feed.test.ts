/**
 * The event feed end to end: events in the outbox on the real PostgreSQL (a database of this file's own, since a
 * dispatcher takes any due event), delivered by real dispatchers over real HTTP to a receiver that verifies each
 * signature as the portal would, while that receiver is down, failing, refusing, and back.
 */
import { randomUUID } from 'node:crypto';
import type { NewPortalEvent, PortalEvent } from '../../contracts/events';
import { appendPortalEvents, createPortalEventRepository } from '../../db/repositories/portal-events';
import { createLogger } from '../../lib/log';
import { PortalEventFeed, backoffMs, type EventFeedOptions } from '../../portal/event-feed';
import { signPortalEvent, verifyPortalEventSignature } from '../../portal/signature';
import { closeTestPool, testPool, useOwnDatabase } from '../helpers/db';
import { startTestPortal, type TestPortal } from '../helpers/portal';

useOwnDatabase();
afterAll(closeTestPool);

const log = createLogger('silent');
/** Retries within the test's patience: the backoff's shape is the same, only shorter. */
const FAST = { pollMs: 20, firstBackoffMs: 30, maxBackoffMs: 150, timeoutMs: 2_000 } satisfies Partial<EventFeedOptions>;

/** A grievance's closure life as its events: delivered, feedback, escalation, reopen, outcome. */
function lifeOf(grievanceId: string): NewPortalEvent[] {
  const workflowId = `atr-${grievanceId}-c1`;
  const base = { grievanceId, cycle: 1 };
  return [
    { ...base, id: `${workflowId}:atr.delivered:w1`, type: 'atr.delivered', data: { workflowId, channel: 'whatsapp', messageId: 'w1', deliveredAt: '2026-12-01T05:00:00.000Z' } },
    { ...base, id: `${workflowId}:feedback.received:w2`, type: 'feedback.received', data: { workflowId, messageId: 'w2', rating: 'NOT_SATISFIED', channel: 'whatsapp', decisive: true, late: false, receivedAt: '2026-12-01T06:00:00.000Z' } },
    { ...base, id: `${workflowId}:escalation.raised`, type: 'escalation.raised', data: { escalationId: `esc-${workflowId}`, workflowId, level: 1, levelName: 'DEPARTMENT', departmentCode: 'LSG', districtCode: 'JPR' } },
    { ...base, id: `${workflowId}:grievance.reopen`, type: 'grievance.reopen', data: { workflowId, escalationId: `esc-${workflowId}`, level: 1 } },
    { ...base, id: `${workflowId}:closure.outcome`, type: 'closure.outcome', data: { workflowId, outcome: 'ESCALATED' } },
  ];
}

const newGrievance = () => `2026${randomUUID().replace(/\D/g, '').slice(0, 9).padEnd(9, '7')}`;

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const statusesOf = async (grievanceIds: string[]) =>
  (await testPool().query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM portal_events WHERE grievance_id = ANY($1) GROUP BY status', [grievanceIds])).rows;

async function allDelivered(grievanceIds: string[], total: number): Promise<boolean> {
  const rows = await statusesOf(grievanceIds);
  return rows.length === 1 && rows[0]!.status === 'DELIVERED' && Number(rows[0]!.n) === total;
}

function feedFor(portal: TestPortal, extra: Partial<EventFeedOptions> = {}): PortalEventFeed {
  return new PortalEventFeed({ pool: testPool(), log, url: portal.url, secret: portal.secret, ...FAST, ...extra });
}

/** The accepted events of these grievances, by grievance, in the order the portal took them. */
function acceptedByGrievance(portal: TestPortal, grievanceIds: string[]): Map<string, PortalEvent[]> {
  const by = new Map<string, PortalEvent[]>(grievanceIds.map((g) => [g, []]));
  for (const e of portal.accepted()) by.get(e.grievanceId)?.push(e);
  return by;
}

describe('the portal event feed', () => {
  test('delivers every event once, in order per grievance, after the portal was down and failing', async () => {
    const portal = await startTestPortal({ answer: (_e, n) => (n < 6 ? 503 : 200) });
    await portal.stop(); // connection refused
    const grievances = [newGrievance(), newGrievance(), newGrievance()];
    for (const g of grievances) await appendPortalEvents(testPool(), lifeOf(g));
    // Two dispatchers side by side, as two worker processes.
    const feeds = [feedFor(portal), feedFor(portal)];
    try {
      feeds.forEach((f) => f.start());
      await until(async () => {
        const { rows } = await testPool().query("SELECT count(*) AS n FROM portal_events WHERE grievance_id = ANY($1) AND last_error LIKE 'no answer%'", [grievances]);
        return Number(rows[0].n) === grievances.length; // each grievance's first event failed; the others wait behind it
      }, 'failed attempts while the portal is down');
      expect(portal.requests).toHaveLength(0);
      await portal.start(); // up, but failing with 503 for a while
      await until(() => allDelivered(grievances, 15), 'every event delivered');
    } finally {
      await Promise.all(feeds.map((f) => f.stop()));
      await portal.close();
    }
    expect(portal.requests.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    expect(portal.requests.every((r) => r.signatureValid)).toBe(true);
    for (const [g, events] of acceptedByGrievance(portal, grievances)) {
      expect(events.map((e) => e.type)).toEqual(['atr.delivered', 'feedback.received', 'escalation.raised', 'grievance.reopen', 'closure.outcome']);
      expect(events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
      expect(events.every((e) => e.grievanceId === g && e.specVersion === '1')).toBe(true);
    }
    // No event of a grievance reached the portal before the one ahead of it was taken.
    for (const g of grievances) {
      const sent = portal.requests.filter((r) => r.event.grievanceId === g).map((r) => r.event.sequence);
      expect(sent).toEqual([...sent].sort((a, b) => a - b));
    }
  });

  test('a retried append adds nothing, and sequences stay gap-free per grievance', async () => {
    const g = newGrievance();
    const life = lifeOf(g);
    expect(await appendPortalEvents(testPool(), life.slice(0, 3))).toBe(3);
    expect(await appendPortalEvents(testPool(), life)).toBe(2);
    const events = await createPortalEventRepository(testPool()).forGrievance(g);
    expect(events.map((e) => [e.type, e.sequence])).toEqual(life.map((e, i) => [e.type, i + 1]));
  });

  test('parks a 4xx as REJECTED with the reason, never retries it, and goes on with the grievance', async () => {
    const portal = await startTestPortal({ answer: (e) => (e.type === 'escalation.raised' ? 422 : 200) });
    const g = newGrievance();
    await appendPortalEvents(testPool(), lifeOf(g));
    const feed = feedFor(portal);
    try {
      feed.start();
      await until(async () => (await statusesOf([g])).find((r) => r.status === 'PENDING') === undefined, 'the grievance settled');
      await new Promise((r) => setTimeout(r, 300)); // several passes: a parked event is not tried again
    } finally {
      await feed.stop();
      await portal.close();
    }
    const events = await createPortalEventRepository(testPool()).forGrievance(g);
    const rejected = events.find((e) => e.type === 'escalation.raised')!;
    expect(rejected).toMatchObject({ status: 'REJECTED', attempts: 1, lastError: 'HTTP 422: {"error":"refused escalation.raised"}' });
    expect(events.filter((e) => e.status === 'DELIVERED')).toHaveLength(4);
    expect(portal.requests.filter((r) => r.event.id === rejected.id)).toHaveLength(1);
    const backlog = await createPortalEventRepository(testPool()).backlog();
    expect(backlog.recentRejected).toContainEqual(expect.objectContaining({ id: rejected.id, grievanceId: g, lastError: rejected.lastError }));
  });

  test('replay re-sends the events from a point in time with the same ids', async () => {
    const portal = await startTestPortal();
    const g = newGrievance();
    const life = lifeOf(g).map((e, i) => ({ ...e, occurredAt: new Date(Date.UTC(2026, 11, 1, 5, i)).toISOString() }));
    await appendPortalEvents(testPool(), life);
    const events = createPortalEventRepository(testPool());
    const feed = feedFor(portal);
    try {
      feed.start();
      await until(() => allDelivered([g], 5), 'first delivery');
      expect(await events.replay(new Date(Date.UTC(2026, 11, 1, 5, 3)), g)).toBe(2);
      await until(() => allDelivered([g], 5), 'the replay');
    } finally {
      await feed.stop();
      await portal.close();
    }
    const sent = portal.requests.filter((r) => r.event.grievanceId === g).map((r) => r.event.id);
    expect(sent).toEqual([...life.map((e) => e.id), life[3]!.id, life[4]!.id]);
    expect(portal.accepted().filter((e) => e.grievanceId === g)).toHaveLength(5);
  });

  test('without a URL sends nothing and the events wait in the backlog', async () => {
    const g = newGrievance();
    await appendPortalEvents(testPool(), lifeOf(g));
    const backlogs: number[] = [];
    const feed = new PortalEventFeed({ pool: testPool(), log, timeoutMs: 1_000, metrics: { delivered: () => undefined, failed: () => undefined, backlog: (n) => backlogs.push(n) } });
    feed.start();
    expect(await feed.dispatchOnce()).toBe(0);
    await until(async () => backlogs.length > 0, 'the backlog gauge');
    await feed.stop();
    expect(backlogs[0]).toBeGreaterThanOrEqual(5);
    expect((await createPortalEventRepository(testPool()).forGrievance(g)).every((e) => e.status === 'PENDING' && e.attempts === 0)).toBe(true);
  });
});

describe('the event signature', () => {
  const body = '{"id":"atr-2026112800042-c1:closure.outcome"}';
  test("is sha256= and the hex HMAC-SHA256 of the raw body, like Meta's X-Hub-Signature-256", () => {
    expect(signPortalEvent(body, 'k'.repeat(32))).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyPortalEventSignature(body, signPortalEvent(body, 'k'.repeat(32)), 'k'.repeat(32))).toBe(true);
  });
  test('fails for another secret, another body or no header', () => {
    const header = signPortalEvent(body, 'k'.repeat(32));
    expect(verifyPortalEventSignature(body, header, 'j'.repeat(32))).toBe(false);
    expect(verifyPortalEventSignature(`${body} `, header, 'k'.repeat(32))).toBe(false);
    expect(verifyPortalEventSignature(body, undefined, 'k'.repeat(32))).toBe(false);
  });
});

describe('backoffMs', () => {
  test('doubles from the first delay up to the cap, with half of it random', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1_000, 5_000, () => 1))).toEqual([1_000, 2_000, 4_000, 5_000]);
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1_000, 5_000, () => 0))).toEqual([500, 1_000, 2_000, 2_500]);
  });
});
