/**
 * Test harness for the simulator: a real webhook receiver (node:http) that checks X-Hub-Signature-256
 * over the raw bytes, and a simulator listening on an ephemeral port with fast, bounded timings.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSimulator, type Simulator, type SimulatorOptions } from '../../../tools/simulator/server';
import type { InboundMessage, StatusUpdate, WebhookPayload } from '../../../messaging/whatsapp/protocol';

export const SECRET = 'test-app-secret';
export const TOKEN = 'test-access-token';
export const PHONE_NUMBER_ID = '100000000000001';
export const CITIZEN = '+919876543210';
export const CITIZEN_WA_ID = '919876543210';

/** One webhook as our server received it. */
export interface ReceivedHook {
  raw: Buffer;
  headers: http.IncomingHttpHeaders;
  body: WebhookPayload;
  signatureValid: boolean;
  /** The status we answered. */
  answered: number;
}

/** A running receiver. `answer(n)` picks the HTTP status for the n-th request (0-based). */
export interface Receiver {
  url: string;
  hooks: ReceivedHook[];
  statuses(): StatusUpdate[];
  messages(): InboundMessage[];
  waitFor<T>(pick: () => T | undefined, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** Starts a webhook receiver that verifies every signature. */
export async function startReceiver(answer: (n: number) => number = () => 200): Promise<Receiver> {
  const hooks: ReceivedHook[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const status = answer(n++);
      hooks.push({ raw, headers: req.headers, body: JSON.parse(raw.toString('utf8')), signatureValid: verify(raw, req.headers['x-hub-signature-256']), answered: status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'EVENT_RECEIVED' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Every entry and change: a batched delivery holds several.
  const values = () => hooks.filter((h) => h.answered === 200).flatMap((h) => h.body.entry.flatMap((e) => e.changes.map((c) => c.value)));
  return {
    url: `http://127.0.0.1:${port}/webhooks/whatsapp`,
    hooks,
    statuses: () => values().flatMap((v) => v.statuses ?? []),
    messages: () => values().flatMap((v) => v.messages ?? []),
    waitFor: (pick, timeoutMs = 5_000) => eventually(pick, timeoutMs),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** HMAC-SHA256 of the raw bytes, as our webhook receiver must check it. */
export function verify(raw: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', SECRET).update(raw).digest('hex'));
  const given = Buffer.from(header.slice(7));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Polls until `pick` returns a value. */
export async function eventually<T>(pick: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = pick();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
export type Json = any;

/** A listening simulator with its receiver and HTTP helpers. */
export interface Harness {
  sim: Simulator;
  base: string;
  receiver: Receiver;
  /** Graph call with the bearer token (null: none). */
  graph(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; json: Json }>;
  /** POST /v25.0/{id}/messages. */
  send(body: Record<string, unknown>): Promise<{ status: number; json: Json }>;
  /** Any simulator route, JSON in and out. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: Json }>;
  /** Multipart upload; `type` undefined: the field is left out (Meta: optional). */
  upload(bytes: Buffer, type: string | undefined, filename?: string, fileType?: string, query?: string): Promise<{ status: number; json: Json }>;
  close(): Promise<void>;
}

/** Starts a simulator (fast statuses, fast bounded retries) with a fresh receiver. */
export async function startHarness(options: Partial<SimulatorOptions> = {}, answer?: (n: number) => number): Promise<Harness> {
  const receiver = await startReceiver(answer);
  const sim = await buildSimulator({
    webhookUrl: receiver.url,
    appSecret: SECRET,
    accessToken: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    statusDelaysMs: { sent: 5, delivered: 25, read: 25 },
    webhookRetry: { delaysMs: [40, 80], timeoutMs: 2_000 },
    ...options,
  });
  const base = await sim.app.listen({ host: '127.0.0.1', port: 0 });
  const call: Harness['call'] = async (method, path, body, headers = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
  const graph: Harness['graph'] = (method, path, body, token = TOKEN) => call(method, path, body, token ? { authorization: `Bearer ${token}` } : {});
  return {
    sim,
    base,
    receiver,
    graph,
    call,
    send: (body) => graph('POST', `/v25.0/${PHONE_NUMBER_ID}/messages`, { messaging_product: 'whatsapp', ...body }),
    async upload(bytes, type, filename = 'ATR.pdf', fileType = type ?? 'application/octet-stream', query) {
      const form = new FormData();
      // messaging_product in the query string instead of the form, when the test gives it there.
      if (!query) form.set('messaging_product', 'whatsapp');
      if (type !== undefined) form.set('type', type);
      form.set('file', new Blob([bytes], { type: fileType }), filename);
      const res = await fetch(`${base}/v25.0/${PHONE_NUMBER_ID}/media${query ? `?${query}` : ''}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
      return { status: res.status, json: await res.json() };
    },
    async close() {
      await sim.close();
      await receiver.close();
    },
  };
}

/** A small but real PDF header (the simulator checks the bytes against the MIME type). */
export const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** The "View ATR" URL button: its dynamic suffix is the citizen's link page token. */
export const LINK_BUTTON = { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'Tk9UX0FfUkVBTF9UT0tFTg' }] };

/** Our disposed template with a document header, two body parameters, the link button and both quick-reply payloads. */
export function disposedTemplate(mediaId: string, language: 'hi' | 'en' = 'hi') {
  return {
    type: 'template',
    template: {
      name: 'sampark_atr_disposed_v2',
      language: { code: language },
      components: [
        { type: 'header', parameters: [{ type: 'document', document: { id: mediaId, filename: 'ATR-SAMPARK-1.pdf' } }] },
        { type: 'body', parameters: [{ type: 'text', text: 'SAMPARK-2026-000123' }, { type: 'text', text: 'PHED' }] },
        LINK_BUTTON,
        { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'FB|atr-SAMPARK-2026-000123-c1|SATISFIED' }] },
        { type: 'button', sub_type: 'quick_reply', index: '2', parameters: [{ type: 'payload', payload: 'FB|atr-SAMPARK-2026-000123-c1|NOT_SATISFIED' }] },
      ],
    },
  };
}

/** Our reminder template (no header, one body parameter, the link button; quick replies without payloads). */
export function reminderTemplate() {
  return { type: 'template', template: { name: 'sampark_atr_reminder_v2', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'SAMPARK-1' }] }, LINK_BUTTON] } };
}

/**
 * A `harness(...)` for each test of a file, closed after each test (register once per file, at the top).
 * Returns the starter; the harness it gives is closed by the afterEach this registers.
 */
export function useHarness(): (...args: Parameters<typeof startHarness>) => Promise<Harness> {
  let current: Harness | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (...args) => {
    current = await startHarness(...args);
    return current;
  };
}

/** Uploads the test PDF and returns its media id. */
export async function uploadPdf(t: Harness): Promise<string> {
  const res = await t.upload(PDF, 'application/pdf');
  expect(res.status).toBe(200);
  return res.json.id;
}

/** Sends the disposed template to the citizen; returns its wamid. */
export async function sendTemplate(t: Harness, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.send({ to: CITIZEN, ...disposedTemplate(await uploadPdf(t)), ...extra });
  expect(res.status).toBe(200);
  return res.json.messages[0].id;
}

/** The statuses our server accepted for one wamid, in arrival order. */
export const statusesOf = (t: Harness, wamid: string): StatusUpdate[] => t.receiver.statuses().filter((s) => s.id === wamid);
