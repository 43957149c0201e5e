/**
 * One error shape over real HTTP: every refusal is an RFC 9457 problem (application/problem+json) with a stable
 * `error` code and the request id; malformed JSON says where it broke without quoting the body, an oversized body
 * gives the limit, a missing key is `unauthorized`, an unknown route `not_found`, a future date names its field.
 * Nothing here reaches Temporal, so the client's connection is never opened.
 */
import { Client, Connection } from '@temporalio/client';
import { buildApi, BODY_LIMIT } from '../../api/server';
import { AtrClient } from '../../client';
import { createLogger } from '../../lib/log';
import { closeTestPool, testIdempotency, testIntake } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- problem bodies are asserted field by field
type Json = any;

const API_KEY = 'problems-portal-key-0123456789';
const auth = { authorization: `Bearer ${API_KEY}` };
let connection: Connection;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  connection = Connection.lazy({ address: process.env.TEST_TEMPORAL_ADDRESS! });
  const app = await buildApi({ atr: new AtrClient(new Client({ connection }), testIntake()), apiKey: API_KEY, idempotency: testIdempotency(), logger: createLogger('silent'), health: {} });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  close = () => app.close();
});
afterAll(async () => {
  await close();
  await connection.close();
  await closeTestPool();
});

async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; type: string | null; json: Json }> {
  const res = await fetch(`${base}${path}`, { method, headers: init.headers, body: init.body, signal: AbortSignal.timeout(20_000) });
  return { status: res.status, type: res.headers.get('content-type'), json: await res.json() };
}

const postJson = (path: string, body: string, headers: Record<string, string> = auth) => call('POST', path, { headers: { ...headers, 'content-type': 'application/json' }, body });

/** The members every problem has, for a status and code. */
const problem = (status: number, error: string) => ({
  type: `tag:sampark-atr,2026:problem:${error}`,
  title: expect.any(String),
  status,
  detail: expect.any(String),
  error,
  requestId: expect.any(String),
});

test('answers malformed JSON with 400 malformed_json, the line and column where it broke, and not a word of the body', async () => {
  const res = await postJson('/v1/closures', '{\n  "grievanceId": "G-1",\n  "citizen": { "name": "राम", }\n}');
  expect(res.status).toBe(400);
  expect(res.type).toMatch(/^application\/problem\+json/);
  expect(res.json).toMatchObject(problem(400, 'malformed_json'));
  expect(res.json.detail).toBe('the body is not valid JSON: PropertyNameExpected at line 3, column 31 (offset 56)');
  expect(res.json.fields).toEqual([{ field: '(body)', message: 'is not valid JSON: PropertyNameExpected at line 3, column 31 (offset 56)' }]);
  expect(JSON.stringify(res.json)).not.toMatch(/राम|G-1/);
});

test('answers a truncated body with the position of its end', async () => {
  const res = await postJson('/v1/closures', '{"grievanceId": ');
  expect(res).toMatchObject({ status: 400, json: { error: 'malformed_json', detail: expect.stringMatching(/at line 1, column 17 \(offset 16\)$/) } });
});

test('answers an empty JSON body with 400 malformed_json', async () => {
  const res = await postJson('/v1/closures', '');
  expect(res).toMatchObject({ status: 400, json: { ...problem(400, 'malformed_json'), fields: [{ field: '(body)', message: 'is empty' }] } });
});

test('answers a body over the limit with 413 body_too_large and the limit in bytes', async () => {
  const res = await postJson('/v1/closures', JSON.stringify({ ...makeClosure(), actionTaken: 'x'.repeat(BODY_LIMIT) }));
  expect(res.status).toBe(413);
  expect(res.json).toMatchObject({ ...problem(413, 'body_too_large'), limitBytes: BODY_LIMIT });
  expect(res.json.detail).toContain(`${BODY_LIMIT} bytes`);
});

test('answers a body in another media type with 415 unsupported_media_type', async () => {
  const res = await call('POST', '/v1/closures', { headers: { ...auth, 'content-type': 'text/csv' }, body: 'a,b' });
  expect(res).toMatchObject({ status: 415, json: problem(415, 'unsupported_media_type') });
});

test('answers a missing or wrong API key with 401 unauthorized, before reading the body', async () => {
  const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-key' }, { 'x-api-key': 'wrong-key' }];
  for (const headers of attempts) {
    const res = await postJson('/v1/closures', '{not json', headers);
    expect(res).toMatchObject({ status: 401, type: expect.stringMatching(/^application\/problem\+json/), json: problem(401, 'unauthorized') });
  }
  expect(await call('GET', '/v1/grievances/G1')).toMatchObject({ status: 401, json: { error: 'unauthorized' } });
});

test('answers an unknown route with 404 not_found in the same shape', async () => {
  const res = await call('GET', '/v1/nothing-here?phone=9876543210', { headers: auth });
  expect(res).toMatchObject({ status: 404, type: expect.stringMatching(/^application\/problem\+json/), json: { ...problem(404, 'not_found'), instance: '/v1/nothing-here' } });
  expect(JSON.stringify(res.json)).not.toContain('9876543210');
});

test('answers a method a path does not take with 405 method_not_allowed and allow', async () => {
  const res = await fetch(`${base}/v1/closures`, { method: 'DELETE', headers: auth });
  expect(res.status).toBe(405);
  expect(res.headers.get('allow')).toBe('POST');
  expect(await res.json()).toMatchObject(problem(405, 'method_not_allowed'));
});

test('answers invalid fields with 400 validation_failed naming each, a future disposedAt among them', async () => {
  const closure = makeClosure({ disposedAt: new Date(Date.now() + 86_400_000).toISOString(), citizen: { name: 'राम', phone: '12', language: 'hi' } });
  const res = await postJson('/v1/closures', JSON.stringify(closure));
  expect(res.status).toBe(400);
  expect(res.json).toMatchObject({ ...problem(400, 'validation_failed'), instance: '/v1/closures' });
  expect(res.json.fields).toEqual([
    { field: 'disposedAt', message: 'must not be in the future (more than 5 minutes ahead of our clock)' },
    { field: 'citizen.phone', message: 'must be a mobile number: 10 digits, or E.164 such as +919876543210' },
  ]);
});

test('refuses an unknown member of citizen by name, and a future receivedAt on feedback', async () => {
  const closure = makeClosure();
  const res = await postJson('/v1/closures', JSON.stringify({ ...closure, citizen: { ...closure.citizen, email: 'ram@example.in' } }));
  expect(res).toMatchObject({ status: 400, json: { error: 'validation_failed', fields: [{ field: 'citizen', message: expect.stringContaining('email') }] } });
  expect(JSON.stringify(res.json)).not.toContain('ram@example.in');
  const feedback = await postJson('/v1/grievances/G1/feedback', JSON.stringify({ rating: 'SATISFIED', receivedAt: '2099-01-01T00:00:00Z' }));
  expect(feedback).toMatchObject({ status: 400, json: { error: 'validation_failed', fields: [{ field: 'receivedAt' }] } });
});

test('answers a bad Idempotency-Key with 400 naming the header', async () => {
  const res = await postJson('/v1/closures', JSON.stringify(makeClosure()), { ...auth, 'idempotency-key': 'x'.repeat(256) });
  expect(res).toMatchObject({ status: 400, json: { error: 'validation_failed', fields: [{ field: 'idempotency-key' }] } });
});
