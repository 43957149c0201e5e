/**
 * The portal's contract on the run's Temporal dev server, without a worker (starting and signalling need none):
 * a GET right after the 202 answers (the grievance is found in PostgreSQL, not the visibility index), unknown
 * fields are ignored and reported by name, and Idempotency-Key replays the first answer, refuses a reused key and
 * a concurrent duplicate, and releases the key after a 5xx.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import Fastify from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { useIdempotencyKeys } from '../../api/idempotency';
import { buildApi } from '../../api/server';
import { AtrClient } from '../../client';
import { canonical } from '../../client/fingerprint';
import { createLogger } from '../../lib/log';
import { testIdempotency, testIntake, testPool } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { useDevServer } from '../helpers/temporal';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
type Json = any;
type Answer = { status: number; replayed: string | null; json: Json };

const API_KEY = 'contract-portal-key-0123456789';
const dev = useDevServer();
const started: string[] = [];

afterAll(async () => {
  await Promise.all(started.map((id) => dev.client.workflow.getHandle(id).terminate('test finished').catch(() => undefined)));
});

/** Runs `body` against a listening API on `client`; `lines` collects its log. */
async function withApi(body: (post: (path: string, payload: unknown, key?: string) => Promise<Answer>, get: (path: string) => Promise<Answer>, lines: string[]) => Promise<void>, client: Client = dev.client) {
  const lines: string[] = [];
  const logger = createLogger('info', {}, { write: (line: string) => void lines.push(line) });
  const app = await buildApi({ atr: new AtrClient(client, testIntake(), `contract-${randomUUID()}`), apiKey: API_KEY, idempotency: testIdempotency(), logger, health: {} });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const call = async (method: string, path: string, payload?: unknown, key?: string): Promise<Answer> => {
    const headers = { authorization: `Bearer ${API_KEY}`, ...(payload ? { 'content-type': 'application/json' } : {}), ...(key ? { 'idempotency-key': key } : {}) };
    const res = await fetch(`${base}${path}`, { method, headers, body: payload ? JSON.stringify(payload) : undefined, signal: AbortSignal.timeout(20_000) });
    return { status: res.status, replayed: res.headers.get('idempotent-replayed'), json: await res.json() };
  };
  try {
    await body((path, payload, key) => call('POST', path, payload, key), (path) => call('GET', path), lines);
  } finally {
    await app.close();
  }
}

const postClosure = async (post: (path: string, payload: unknown, key?: string) => Promise<Answer>, closure: object, key?: string) => {
  const res = await post('/v1/closures', closure, key);
  if (res.json.workflowId) started.push(res.json.workflowId);
  return res;
};

test('answers a GET and feedback without cycle right after the 202, without waiting for the visibility index', async () => {
  await withApi(async (post, get) => {
    const closure = makeClosure({ feedbackPolicy: { quietHours: null } });
    expect((await postClosure(post, closure)).status).toBe(202);
    const status = await get(`/v1/grievances/${closure.grievanceId}`);
    expect(status).toMatchObject({ status: 200, json: { grievanceId: closure.grievanceId, cycle: 1, workflowId: `atr-${closure.grievanceId}-c1`, execution: 'RUNNING' } });
    const feedback = await post(`/v1/grievances/${closure.grievanceId}/feedback`, { rating: 'SATISFIED', messageId: 'portal-1' });
    expect(feedback).toMatchObject({ status: 202, json: { workflowId: `atr-${closure.grievanceId}-c1`, messageId: 'portal-1' } });
  });
});

test('reads the latest cycle from PostgreSQL once a grievance is closed again', async () => {
  await withApi(async (post, get) => {
    const closure = makeClosure({ feedbackPolicy: { quietHours: null } });
    await postClosure(post, closure);
    await postClosure(post, { ...closure, cycle: 2, disposedAt: '2026-11-29T10:00:00+05:30' });
    expect((await get(`/v1/grievances/${closure.grievanceId}`)).json).toMatchObject({ cycle: 2, workflowId: `atr-${closure.grievanceId}-c2` });
  });
});

test('accepts unknown fields outside personal data, reports them by name and logs their names, never their values', async () => {
  await withApi(async (post, _get, lines) => {
    const closure = makeClosure({ feedbackPolicy: { quietHours: null } });
    const extended = { ...closure, portalRef: 'SECRET-REF-77', department: { ...closure.department, headName: 'Dr. Hidden Value' }, '9876543210': 'x' };
    const res = await postClosure(post, extended);
    expect(res).toMatchObject({ status: 202, json: { ignoredFields: ['department.headName', 'portalRef', '(unnamed)'] } });
    const log = lines.join('');
    expect(log).toContain('department.headName');
    expect(log).not.toMatch(/SECRET-REF-77|Hidden Value|9876543210/);
    // Ignored fields change nothing: the same closure without them is a duplicate, not a conflict.
    expect(await postClosure(post, closure)).toMatchObject({ status: 200, json: { duplicate: true, ignoredFields: [] } });
  });
});

test('replays the first answer to a repeated Idempotency-Key, marked idempotent-replayed', async () => {
  await withApi(async (post) => {
    const closure = makeClosure({ feedbackPolicy: { quietHours: null } });
    const key = randomUUID();
    const first = await postClosure(post, closure, key);
    expect(first).toMatchObject({ status: 202, replayed: null });
    expect(await postClosure(post, closure, key)).toEqual({ status: 202, replayed: 'true', json: first.json });
    // Without the key the same closure is still idempotent by grievance and cycle, answered as a duplicate.
    expect(await postClosure(post, closure)).toMatchObject({ status: 200, replayed: null, json: { duplicate: true } });

    const fbKey = randomUUID();
    const feedback = await post(`/v1/grievances/${closure.grievanceId}/feedback`, { rating: 'SATISFIED' }, fbKey);
    expect(feedback.status).toBe(202);
    // Its messageId was made up on the first request: the replay gives the same one, so nothing was signalled twice.
    expect(await post(`/v1/grievances/${closure.grievanceId}/feedback`, { rating: 'SATISFIED' }, fbKey)).toEqual({ ...feedback, replayed: 'true' });
  });
});

test('refuses an Idempotency-Key reused with a different body: 422 idempotency_key_reused', async () => {
  await withApi(async (post) => {
    const key = randomUUID();
    const closure = makeClosure({ feedbackPolicy: { quietHours: null } });
    await postClosure(post, closure, key);
    const res = await postClosure(post, makeClosure(), key);
    expect(res).toMatchObject({ status: 422, json: { error: 'idempotency_key_reused', fields: [{ field: 'Idempotency-Key' }] } });
  });
});

test('answers 409 idempotency_key_in_use while the first request with the key is still running', async () => {
  await withApi(async (post) => {
    const key = randomUUID();
    const closure = makeClosure();
    // The first request holds the claim (claimed, not answered yet): the repository a concurrent API process would share.
    const body = AtrClient.validateClosure(closure);
    const requestSha256 = createHash('sha256').update(canonical({ method: 'POST', url: '/v1/closures', body })).digest('hex');
    expect(await testIdempotency().claim({ route: 'POST /v1/closures', key, requestSha256 })).toEqual({ outcome: 'claimed' });
    expect(await postClosure(post, closure, key)).toMatchObject({ status: 409, json: { error: 'idempotency_key_in_use' } });
    const { rows } = await testPool().query('SELECT count(*)::int AS n FROM closure_intake WHERE grievance_id = $1', [closure.grievanceId]);
    expect(rows[0].n).toBe(0);
  });
});

test('releases the key after a 5xx, so a retry with it runs', async () => {
  const connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
  await connection.close(); // Temporal unreachable for the first attempt
  const closure = makeClosure({ feedbackPolicy: { quietHours: null } });
  const key = randomUUID();
  await withApi(async (post) => expect((await post('/v1/closures', closure, key)).status).toBe(500), new Client({ connection }));
  await withApi(async (post) => expect(await postClosure(post, closure, key)).toMatchObject({ status: 202, replayed: null }));
});

test('refuses at boot a POST under /v1 that does not declare the Idempotency-Key header', async () => {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  useIdempotencyKeys(app as never, testIdempotency());
  await expect(async () => app.post('/v1/other', { schema: { body: z.object({}) } }, async () => ({}))).rejects.toThrow(/Idempotency-Key/);
  await app.close();
});
