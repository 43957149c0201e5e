/** The activities against the real test PostgreSQL: idempotent under retries, and the events they write for the portal. */
import { PDFDocument } from 'pdf-lib';
import { createActivities, type ActivityDeps } from '../../activities';
import { NO_METRICS } from '../../activities/ports';
import { ClosureSchema } from '../../contracts/closure';
import { atrWorkflowId, type FeedbackSignal } from '../../contracts/workflow';
import { createChannelBreakerRepository } from '../../db/repositories/channel-breakers';
import { createStore } from '../../worker';
import { createOutboxMessenger } from '../../messaging/outbox';
import { createAtrRenderer } from '../../pdf/atr/render';
import { AtrSealer } from '../../pdf/seal';
import { closeTestPool, testPool } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { DEFAULT_POLICY, TEST_SEAL_KEYS } from '../helpers/temporal';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function activities(overrides: Partial<ActivityDeps> = {}) {
  const pool = testPool();
  return createActivities({
    store: createStore(pool),
    messenger: createOutboxMessenger(pool),
    renderer: createAtrRenderer(),
    log: silent,
    metrics: NO_METRICS,
    defaultPolicy: DEFAULT_POLICY,
    sealer: new AtrSealer(TEST_SEAL_KEYS),
    publicBaseUrl: 'https://sampark.example.in',
    atrLinkTtlHours: 720,
    breakers: createChannelBreakerRepository(pool, 'activities-test'),
    ...overrides,
  });
}

async function recorded(over: Parameters<typeof makeClosure>[0] = {}) {
  // Sends refuse in quiet hours (send-guard.test.ts): these closures may be messaged at any hour.
  const closure = ClosureSchema.parse(makeClosure({ feedbackPolicy: { quietHours: null }, ...over }));
  const workflowId = atrWorkflowId(closure.grievanceId, closure.cycle);
  await activities().recordClosure({ workflowId, closure });
  return { closure, workflowId };
}

const notSatisfied: FeedbackSignal = {
  messageId: 'wamid.ns1',
  rating: 'NOT_SATISFIED',
  reason: 'NOT_RESOLVED',
  comment: 'पानी अब भी भरा है',
  channel: 'whatsapp',
  receivedAt: '2026-11-28T10:00:00.000Z',
};

afterAll(closeTestPool);

describe('recordClosure', () => {
  test('records a closure once however often it is retried', async () => {
    const { closure, workflowId } = await recorded();
    await activities().recordClosure({ workflowId, closure });
    const { rows } = await testPool().query('SELECT grievance_id, cycle, language, closure FROM closures WHERE workflow_id = $1', [workflowId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ grievance_id: closure.grievanceId, cycle: 1, language: 'hi' });
    expect(rows[0].closure.citizen.phone).toBe('+919876543210');
  });

  test('layers the policy: state defaults, then the department, then the closure', async () => {
    await testPool().query(
      `INSERT INTO department_policies (department_code, policy) VALUES ('REV', $1)
       ON CONFLICT (department_code) DO UPDATE SET policy = EXCLUDED.policy`,
      [{ feedbackWindowHours: 96, reminderOffsetsHours: [48] }],
    );
    const closure = ClosureSchema.parse(makeClosure({ department: { code: 'REV', nameEn: 'Revenue' }, feedbackPolicy: { reminderOffsetsHours: [6] } }));
    const { policy } = await activities().recordClosure({ workflowId: atrWorkflowId(closure.grievanceId, 1), closure });
    expect(policy).toEqual({ ...DEFAULT_POLICY, feedbackWindowHours: 96, reminderOffsetsHours: [6] });
  });

  test('ignores an invalid department policy and keeps the defaults', async () => {
    await testPool().query(
      `INSERT INTO department_policies (department_code, policy) VALUES ('BAD', $1)
       ON CONFLICT (department_code) DO UPDATE SET policy = EXCLUDED.policy`,
      [{ feedbackWindowHours: -5 }],
    );
    const closure = ClosureSchema.parse(makeClosure({ department: { code: 'BAD', nameEn: 'Bad policy' } }));
    const { policy } = await activities().recordClosure({ workflowId: atrWorkflowId(closure.grievanceId, 1), closure });
    expect(policy).toEqual(DEFAULT_POLICY);
  });
});

describe('recordClosure: one live cycle per grievance', () => {
  test('lists the older cycles still live as superseded, oldest first', async () => {
    const { closure: c1, workflowId: w1 } = await recorded();
    const { workflowId: w2 } = await recorded({ grievanceId: c1.grievanceId, cycle: 2 });
    const c3 = ClosureSchema.parse(makeClosure({ grievanceId: c1.grievanceId, cycle: 3 }));
    const { supersedes } = await activities().recordClosure({ workflowId: atrWorkflowId(c1.grievanceId, 3), closure: c3 });
    expect(supersedes).toEqual([w1, w2]);
  });

  test('lists none when the older cycles have their outcome (SUPERSEDED too), or there are none', async () => {
    const { closure: c1, workflowId: w1 } = await recorded();
    expect((await activities().recordClosure({ workflowId: w1, closure: c1 })).supersedes).toEqual([]);
    await activities().recordOutcome({ workflowId: w1, outcome: 'SUPERSEDED' });
    const c2 = ClosureSchema.parse(makeClosure({ grievanceId: c1.grievanceId, cycle: 2 }));
    expect((await activities().recordClosure({ workflowId: atrWorkflowId(c1.grievanceId, 2), closure: c2 })).supersedes).toEqual([]);
  });
});

describe('renderAtr', () => {
  test('stores a real PDF and returns its fingerprint, not its bytes', async () => {
    const { workflowId } = await recorded();
    const result = await activities().renderAtr({ workflowId });
    expect(result).toEqual({ atrId: workflowId, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), byteLength: expect.any(Number) });
    const { rows } = await testPool().query<{ pdf: Buffer }>('SELECT pdf FROM atr_documents WHERE workflow_id = $1', [workflowId]);
    expect(rows[0]!.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const doc = await PDFDocument.load(rows[0]!.pdf);
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
  });

  test('uses the portal ATR number when there is one', async () => {
    const { workflowId } = await recorded({ atrNumber: `ATR/2026/${Date.now()}` });
    expect((await activities().renderAtr({ workflowId })).atrId).toMatch(/^ATR\/2026\//);
  });

  test("refuses to store another closure's document under an ATR number already used, and keeps the first", async () => {
    const atrNumber = `ATR/2026/R${Date.now()}`;
    const { workflowId: first } = await recorded({ atrNumber });
    const stored = await activities().renderAtr({ workflowId: first });
    // Only a closure that bypassed the intake can get here; the store still refuses.
    const { workflowId: second } = await recorded({ atrNumber, subject: 'another grievance altogether' });
    await expect(activities().renderAtr({ workflowId: second })).rejects.toThrow(`ATR ${atrNumber} is already stored for ${first}`);
    const { rows } = await testPool().query('SELECT workflow_id, sha256 FROM atr_documents WHERE atr_id = $1', [atrNumber]);
    expect(rows).toEqual([{ workflow_id: first, sha256: stored.sha256 }]);
  });
});

describe('deliverAtr and the outbox', () => {
  test('sends one message for any number of retries of the same send', async () => {
    const { workflowId } = await recorded();
    const acts = activities();
    const { atrId } = await acts.renderAtr({ workflowId });
    const first = await acts.deliverAtr({ workflowId, atrId });
    const retry = await acts.deliverAtr({ workflowId, atrId });
    expect(retry.messageId).toBe(first.messageId);
    const { rows } = await testPool().query('SELECT purpose, recipient, language, body FROM outbound_messages WHERE workflow_id = $1', [workflowId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ purpose: 'ATR', recipient: '+919876543210', language: 'hi' });
    expect(rows[0].body.text).toContain('कार्यवाही रिपोर्ट');
  });

  test('writes reminders in the citizen language', async () => {
    const { workflowId } = await recorded({ citizen: { name: 'Asha Verma', phone: '+919812345678', language: 'en' } });
    await activities().sendReminder({ workflowId, number: 1 });
    const { rows } = await testPool().query('SELECT body FROM outbound_messages WHERE workflow_id = $1', [workflowId]);
    expect(rows[0].body.text).toMatch(/^Reminder: please give your feedback/);
  });
});

describe('feedback and escalation', () => {
  test('records a feedback once per message id', async () => {
    const { workflowId } = await recorded();
    const acts = activities();
    expect(await acts.recordFeedback({ workflowId, feedback: notSatisfied, decisive: true, late: false })).toEqual({ inserted: true });
    expect(await acts.recordFeedback({ workflowId, feedback: notSatisfied, decisive: true, late: false })).toEqual({ inserted: false });
  });

  test('counts a recorded feedback once, labelled with its department', async () => {
    const { closure, workflowId } = await recorded();
    const counted: { name: string; labels?: Record<string, string> }[] = [];
    const acts = activities({ metrics: { increment: (name, labels) => counted.push({ name, ...(labels ? { labels } : {}) }) } });
    await acts.recordFeedback({ workflowId, feedback: notSatisfied, decisive: true, late: false });
    await acts.recordFeedback({ workflowId, feedback: notSatisfied, decisive: true, late: false });
    expect(counted.filter((c) => c.name === 'feedback')).toEqual([
      { name: 'feedback', labels: { rating: 'NOT_SATISFIED', channel: notSatisfied.channel, decisive: 'true', late: 'false', department: closure.department.code } },
    ]);
  });

  test('puts one escalation row in the department inbox however often it is retried', async () => {
    const { closure, workflowId } = await recorded({ cycle: 2, district: { code: 'UDR', nameEn: 'Udaipur' } });
    const acts = activities();
    const a = await acts.escalate({ workflowId, level: 2, feedback: notSatisfied });
    const b = await acts.escalate({ workflowId, level: 2, feedback: notSatisfied });
    expect(b).toEqual(a);
    const { rows } = await testPool().query('SELECT * FROM escalations WHERE workflow_id = $1', [workflowId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      grievance_id: closure.grievanceId,
      level: 2,
      level_name: 'DISTRICT',
      department_code: 'LSG',
      district_code: 'UDR',
      reason: 'NOT_RESOLVED',
      comment: 'पानी अब भी भरा है',
    });
  });
});

describe('events for the portal', () => {
  /** The outbox rows of a grievance, in sequence order. */
  async function events(grievanceId: string) {
    const { rows } = await testPool().query<{ id: string; type: string; sequence: string; data: Record<string, unknown> }>(
      'SELECT id, type, sequence, data FROM portal_events WHERE grievance_id = $1 ORDER BY sequence',
      [grievanceId],
    );
    return rows.map((r) => ({ ...r, sequence: Number(r.sequence) }));
  }

  test('recordFeedback appends feedback.received once per message id, without the comment', async () => {
    const { closure, workflowId } = await recorded();
    const acts = activities();
    await acts.recordFeedback({ workflowId, feedback: notSatisfied, decisive: true, late: false });
    await acts.recordFeedback({ workflowId, feedback: notSatisfied, decisive: true, late: false });
    const rows = await events(closure.grievanceId);
    expect(rows).toEqual([
      {
        id: `${workflowId}:feedback.received:${notSatisfied.messageId}`,
        type: 'feedback.received',
        sequence: 1,
        data: { workflowId, messageId: notSatisfied.messageId, rating: 'NOT_SATISFIED', reason: 'NOT_RESOLVED', channel: notSatisfied.channel, decisive: true, late: false, receivedAt: notSatisfied.receivedAt },
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain(notSatisfied.comment!);
  });

  test('escalate appends grievance.reopen (the ladder tells of escalation.raised), once however often it is retried', async () => {
    const { closure, workflowId } = await recorded({ cycle: 2 });
    const acts = activities();
    const { escalationId } = await acts.escalate({ workflowId, level: 2, feedback: notSatisfied });
    await acts.escalate({ workflowId, level: 2, feedback: notSatisfied });
    const rows = await events(closure.grievanceId);
    expect(rows.map((r) => [r.type, r.sequence])).toEqual([['grievance.reopen', 1]]);
    expect(rows[0]!.data).toEqual({ workflowId, escalationId, level: 2, reason: 'NOT_RESOLVED' });
  });

  test('recordOutcome appends closure.outcome with its reason', async () => {
    const { closure, workflowId } = await recorded();
    await activities().recordOutcome({ workflowId, outcome: 'UNDELIVERABLE', reason: 'WhatsApp 131026' });
    expect(await events(closure.grievanceId)).toEqual([
      { id: `${workflowId}:closure.outcome`, type: 'closure.outcome', sequence: 1, data: { workflowId, outcome: 'UNDELIVERABLE', reason: 'WhatsApp 131026' } },
    ]);
  });

  test('recordPortalEvent appends an event once and reports a retry as not appended', async () => {
    const { closure, workflowId } = await recorded();
    const event = {
      id: `${workflowId}:atr.delivered:wamid.X`,
      type: 'atr.delivered' as const,
      grievanceId: closure.grievanceId,
      cycle: closure.cycle,
      occurredAt: '2026-12-01T05:00:00.000Z',
      data: { workflowId, channel: 'whatsapp' as const, messageId: 'wamid.X', deliveredAt: '2026-12-01T05:00:00.000Z' },
    };
    expect(await activities().recordPortalEvent({ event })).toEqual({ appended: true });
    expect(await activities().recordPortalEvent({ event })).toEqual({ appended: false });
    expect(await events(closure.grievanceId)).toHaveLength(1);
  });
});
