/**
 * The HTTP API end to end on the run's Temporal dev server: real HTTP, a real worker, the real
 * PostgreSQL. A closure posted here is found through the visibility API by its search attributes,
 * and "not satisfied" leaves an escalation row and the ESCALATED outcome.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { buildApi } from '../../api/server';
import { AtrClient } from '../../client';
import { createLogger } from '../../lib/log';
import { takenLongAgo, testIdempotency, testIntake, testPool } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { createClosureRepository } from '../../db/repositories/closures';
import { AtrSealer } from '../../pdf/seal';
import { readAtrQrCode } from '../helpers/qr';
import { TEST_SEAL_KEYS, runWithWorker, useDevServer } from '../helpers/temporal';

const API_KEY = 'test-portal-key-0123456789';
const dev = useDevServer();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
type Json = any;
type Call = (method: string, path: string, body?: unknown, key?: string | null) => Promise<{ status: number; json: Json }>;

/** Runs `body` against a listening API whose worker serves a fresh task queue. */
async function withApi(body: (call: Call, base: string) => Promise<void>) {
  await runWithWorker({ connection: dev }, async ({ taskQueue }) => {
    const app = await buildApi({
      atr: new AtrClient(dev.client, testIntake(), taskQueue),
      apiKey: API_KEY,
      idempotency: testIdempotency(),
      logger: createLogger('silent'),
      health: { temporal: () => dev.client.workflowService.getSystemInfo({}), database: () => testPool().query('SELECT 1') },
      verification: { sealer: new AtrSealer(TEST_SEAL_KEYS), store: createClosureRepository(testPool()) },
    });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      await body(async (method, path, payload, key = API_KEY) => {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body: payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload),
          signal: AbortSignal.timeout(20_000),
        });
        const text = await res.text();
        return { status: res.status, json: text ? JSON.parse(text) : undefined };
      }, base);
    } finally {
      await app.close();
    }
  });
}

/** Polls until `check` returns a value, or fails after the deadline. */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Integration closures switch quiet hours off: the dev server runs on the real clock, at any hour CI runs.
const daytime = { feedbackPolicy: { quietHours: null } };

describe('HTTP API', () => {
  test('answers /healthz with the state of Temporal and PostgreSQL', async () => {
    await withApi(async (call) => {
      expect(await call('GET', '/healthz', undefined, null)).toEqual({ status: 200, json: { status: 'ok', checks: { temporal: 'ok', database: 'ok' } } });
    });
  });

  test('refuses a request without the API key, or with a wrong one', async () => {
    await withApi(async (call) => {
      expect((await call('POST', '/v1/closures', makeClosure(), null)).status).toBe(401);
      expect((await call('POST', '/v1/closures', makeClosure(), 'wrong-key')).status).toBe(401);
      expect((await call('GET', '/v1/grievances/G1', undefined, null)).status).toBe(401);
    });
  });

  test('answers 400 naming every bad field, and starts nothing', async () => {
    await withApi(async (call) => {
      const closure = makeClosure({ citizen: { name: 'राम', phone: 'not-a-phone', language: 'hi' }, disposedAt: 'soon' });
      const res = await call('POST', '/v1/closures', closure);
      expect(res.status).toBe(400);
      expect(res.json.error).toBe('validation_failed');
      expect(res.json.fields.map((f: { field: string }) => f.field).sort()).toEqual(['citizen.phone', 'disposedAt']);
      expect((await call('GET', `/v1/grievances/${closure.grievanceId}`)).status).toBe(404);
      expect((await call('POST', '/v1/closures', '{"grievanceId": ')).status).toBe(400);
    });
  });

  test('starts a workflow that ops find by GrievanceId through the visibility API, once per closure', async () => {
    await withApi(async (call) => {
      const closure = makeClosure(daytime);
      const first = await call('POST', '/v1/closures', closure);
      expect(first).toEqual({
        status: 202,
        json: { workflowId: `atr-${closure.grievanceId}-c1`, duplicate: false, status: `/v1/grievances/${closure.grievanceId}`, ignoredFields: [] },
      });
      expect(await call('POST', '/v1/closures', closure)).toMatchObject({ status: 200, json: { workflowId: first.json.workflowId, duplicate: true } });

      const found = await eventually(async () => {
        const list = [];
        for await (const wf of dev.client.workflow.list({ query: `GrievanceId = "${closure.grievanceId}" AND DepartmentCode = "LSG"` })) list.push(wf);
        return list.length ? list : undefined;
      });
      expect(found.map((w) => w.workflowId)).toEqual([first.json.workflowId]);

      const status = await eventually(async () => {
        const res = await call('GET', `/v1/grievances/${closure.grievanceId}`);
        return res.json?.state?.stage === 'AWAITING_FEEDBACK' ? res : undefined;
      });
      expect(status.json).toMatchObject({ cycle: 1, execution: 'RUNNING', state: { delivery: { status: 'SENT' }, reminders: [{ number: 1 }, { number: 2 }] } });
    });
  });

  test('answers 200 and the same workflow id for a closure taken long ago that Temporal no longer knows', async () => {
    await withApi(async (call) => {
      const closure = makeClosure(daytime);
      const workflowId = await takenLongAgo(AtrClient.validateClosure(closure));

      const again = await call('POST', '/v1/closures', { ...closure, citizen: { ...closure.citizen, phone: '+919876543210' } });
      expect(again).toEqual({ status: 200, json: { workflowId, duplicate: true, status: `/v1/grievances/${closure.grievanceId}`, ignoredFields: [] } });
      await expect(dev.client.workflow.getHandle(workflowId).describe()).rejects.toThrow(WorkflowNotFoundError);
    });
  });

  test('refuses the same grievance and cycle with different content: 409 naming the fields that differ, not their values', async () => {
    await withApi(async (call) => {
      const closure = makeClosure(daytime);
      const first = await call('POST', '/v1/closures', closure);
      const changed = { ...closure, subject: 'नया विषय', citizen: { ...closure.citizen!, phone: '9812345678' } };
      const res = await call('POST', '/v1/closures', changed);
      expect(res.status).toBe(409);
      expect(res.json).toEqual({
        type: 'tag:sampark-atr,2026:problem:closure_conflict',
        title: expect.any(String),
        status: 409,
        instance: '/v1/closures',
        requestId: expect.any(String),
        error: 'closure_conflict',
        detail: expect.stringContaining('(citizen.phone, subject)'),
        workflowId: first.json.workflowId,
        fields: [
          { field: 'citizen.phone', message: 'differs from the closure first posted for this grievance and cycle' },
          { field: 'subject', message: 'differs from the closure first posted for this grievance and cycle' },
        ],
      });
      expect(JSON.stringify(res.json)).not.toMatch(/9812345678|नया विषय/);
      await dev.client.workflow.getHandle(first.json.workflowId).terminate('test finished');
    });
  });

  test("refuses an atrNumber another closure already has: 409 naming atrNumber, and starts nothing", async () => {
    await withApi(async (call) => {
      const atrNumber = `ATR/2026/${Date.now()}`;
      const first = await call('POST', '/v1/closures', makeClosure({ ...daytime, atrNumber }));
      expect(first.status).toBe(202);
      const other = makeClosure({ ...daytime, atrNumber });
      const res = await call('POST', '/v1/closures', other);
      expect(res).toMatchObject({ status: 409, json: { error: 'closure_conflict', fields: [{ field: 'atrNumber' }] } });
      expect(res.json.detail).toMatch(/^atrNumber is already another closure's ATR number/);
      await expect(dev.client.workflow.getHandle(`atr-${other.grievanceId}-c1`).describe()).rejects.toThrow(WorkflowNotFoundError);
      await dev.client.workflow.getHandle(first.json.workflowId).terminate('test finished');
    });
  });

  test('escalates "not satisfied" feedback posted through the API: an escalation row and the ESCALATED outcome', async () => {
    await withApi(async (call) => {
      const closure = makeClosure(daytime);
      await call('POST', '/v1/closures', closure);
      await eventually(async () => ((await call('GET', `/v1/grievances/${closure.grievanceId}`)).json?.state?.stage === 'AWAITING_FEEDBACK' ? true : undefined));

      const fb = { rating: 'NOT_SATISFIED', reason: 'NO_CONTACT', comment: 'कोई अधिकारी नहीं आया', messageId: 'helpline-call-7781' };
      const accepted = await call('POST', `/v1/grievances/${closure.grievanceId}/feedback`, fb);
      expect(accepted).toEqual({ status: 202, json: { workflowId: `atr-${closure.grievanceId}-c1`, messageId: 'helpline-call-7781', ignoredFields: [] } });

      const escalated = await eventually(async () => {
        const res = await call('GET', `/v1/grievances/${closure.grievanceId}`);
        return res.json?.state?.outcome === 'ESCALATED' && res.json.summary.outcome === 'ESCALATED' ? res.json : undefined;
      });
      expect(escalated.state.escalation).toMatchObject({ level: 1, levelName: 'DEPARTMENT' });
      expect(escalated.summary).toMatchObject({ feedbackOutcome: 'NOT_SATISFIED', escalationLevel: 1 });
      const { rows } = await testPool().query('SELECT level, reason, comment FROM escalations WHERE grievance_id = $1', [closure.grievanceId]);
      expect(rows).toEqual([{ level: 1, reason: 'NO_CONTACT', comment: 'कोई अधिकारी नहीं आया' }]);

      const byOutcome = await eventually(async () => {
        const ids = [];
        for await (const wf of dev.client.workflow.list({ query: `AtrOutcome = "ESCALATED" AND GrievanceId = "${closure.grievanceId}"` })) ids.push(wf.workflowId);
        return ids.length ? ids : undefined;
      });
      expect(byOutcome).toEqual([`atr-${closure.grievanceId}-c1`]);
      await dev.client.workflow.getHandle(`atr-${closure.grievanceId}-c1`).terminate('test finished');
    });
  });

  test('answers 404 for feedback on a grievance never closed through us, and 409 once its workflow has ended', async () => {
    await withApi(async (call) => {
      expect((await call('POST', '/v1/grievances/NEVER-SEEN-1/feedback', { rating: 'SATISFIED' })).status).toBe(404);
      const closure = makeClosure(daytime);
      const { json } = await call('POST', '/v1/closures', closure);
      await dev.client.workflow.getHandle(json.workflowId).terminate('test: feedback period over');
      const res = await call('POST', `/v1/grievances/${closure.grievanceId}/feedback?cycle=1`, { rating: 'SATISFIED' });
      expect(res).toMatchObject({ status: 409, json: { error: 'feedback_closed' } });
    });
  });

  test("verifies the ATR from its own QR code, refuses a tampered link, and serves the original", async () => {
    await withApi(async (call, base) => {
      const closure = makeClosure(daytime);
      await call('POST', '/v1/closures', closure);
      const pdf = await eventually(async () => {
        const { rows } = await testPool().query('SELECT pdf FROM atr_documents a JOIN closures c USING (workflow_id) WHERE c.grievance_id = $1', [closure.grievanceId]);
        return rows[0]?.pdf as Buffer | undefined;
      });
      const printed = new URL(readAtrQrCode(pdf)!);
      expect(printed.origin).toBe('https://sampark.example.in');
      const link = `${printed.pathname}${printed.search}`;

      const genuine = await call('GET', link, undefined, null);
      expect(genuine).toMatchObject({ status: 200, json: { genuine: true, matches: true, atr: { grievanceId: closure.grievanceId, disposedOn: '2026-11-27', departmentCode: 'LSG' } } });

      const forged = new URL(printed);
      forged.searchParams.set('d', '2026-11-01');
      expect((await call('GET', `${forged.pathname}${forged.search}`, undefined, null)).json).toMatchObject({ genuine: false, matches: false });

      const page = await fetch(`${base}${link}`, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toContain('सत्यापित / Verified');

      const original = await fetch(`${base}${link.replace('/verify', '/document')}`);
      expect(original.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await original.arrayBuffer()).equals(pdf)).toBe(true);
      expect((await fetch(`${base}${forged.pathname.replace('/verify', '/document')}${forged.search}`)).status).toBe(404);
      await dev.client.workflow.getHandle(`atr-${closure.grievanceId}-c1`).terminate('test finished');
    });
  });

  test("starts a closure on the portal's retry when its first posting was recorded but Temporal could not start it", async () => {
    const { Client, Connection } = await import('@temporalio/client');
    const connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
    await connection.close(); // Temporal unreachable for the first posting
    const down = await buildApi({ atr: new AtrClient(new Client({ connection }), testIntake()), apiKey: API_KEY, idempotency: testIdempotency(), logger: createLogger('silent'), health: {} });
    const closure = makeClosure(daytime);
    try {
      const res = await down.inject({ method: 'POST', url: '/v1/closures', headers: { authorization: `Bearer ${API_KEY}` }, payload: closure });
      expect(res.statusCode).toBe(500);
    } finally {
      await down.close();
    }
    await withApi(async (call) => {
      expect(await call('POST', '/v1/closures', closure)).toMatchObject({ status: 202, json: { workflowId: `atr-${closure.grievanceId}-c1`, duplicate: false } });
      expect(await call('POST', '/v1/closures', closure)).toMatchObject({ status: 200, json: { duplicate: true } });
      await dev.client.workflow.getHandle(`atr-${closure.grievanceId}-c1`).terminate('test finished');
    });
  });

  test('hides the details of an internal error behind a request id', async () => {
    const { Client, Connection } = await import('@temporalio/client');
    const connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
    await connection.close(); // every call through it now fails inside the server
    const app = await buildApi({ atr: new AtrClient(new Client({ connection }), testIntake()), apiKey: API_KEY, idempotency: testIdempotency(), logger: createLogger('silent'), health: {} });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`${base}/v1/closures`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(makeClosure()),
      });
      expect(res.status).toBe(500);
      const body = await res.json();
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(body).toEqual({
        type: 'tag:sampark-atr,2026:problem:internal_error',
        title: 'Internal error',
        status: 500,
        detail: expect.any(String),
        instance: '/v1/closures',
        error: 'internal_error',
        requestId: expect.any(String),
      });
      expect(JSON.stringify(body)).not.toMatch(/channel|grpc|shut down/i);
    } finally {
      await app.close();
    }
  });
});
