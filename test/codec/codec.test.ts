/**
 * Personal data stays encrypted in Temporal: the codec itself, a real history on the dev server holding only
 * ciphertext, and the codec server that lets an authorised human (Web UI, CLI) read it back.
 */
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { createCipheriv } from 'node:crypto';
import { AesGcmCodec, UnencryptedPayloadError, openGcm } from '../../codec/aes-gcm';
import { parseCodecKeys } from '../../config/codec-keys';
import { buildCodecServer } from '../../codec/server';
import { stateQuery } from '../../contracts/workflow';
import { createLogger } from '../../lib/log';
import { closeTestPool } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { TEST_CODEC_KEYS, connectDevServer, runWithWorker, type DevServer } from '../helpers/temporal';

const json = (v: unknown): Payload => ({ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(JSON.stringify(v)) });
const text = (b?: Uint8Array | null) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const OLD = { id: 'old', key: Buffer.alloc(32, 7) };
const NEW = { id: 'new', key: Buffer.alloc(32, 9) };

describe('AES-256-GCM payload codec', () => {
  test('encrypts with the first key, names it, and decrypts back', async () => {
    const codec = new AesGcmCodec([NEW, OLD]);
    const [enc] = await codec.encode([json({ phone: '+919876543210' })]);
    expect(text(enc!.metadata!.encoding)).toBe('binary/encrypted');
    expect(text(enc!.metadata!['encryption-key-id'])).toBe('new');
    expect(text(enc!.data)).not.toContain('9876543210');
    const [dec] = await codec.decode([enc!]);
    expect(JSON.parse(text(dec!.data))).toEqual({ phone: '+919876543210' });
  });

  test('still reads payloads encrypted with a retired key after rotation, and plain ones from before encryption', async () => {
    const [old] = await new AesGcmCodec([OLD]).encode([json('before rotation')]);
    const rotated = new AesGcmCodec([NEW, OLD]);
    expect(text((await rotated.decode([old!]))[0]!.data)).toBe('"before rotation"');
    expect(text((await rotated.decode([json('never encrypted')]))[0]!.data)).toBe('"never encrypted"');
  });

  test('refuses a payload under an unknown key, or one that was tampered with', async () => {
    const [enc] = await new AesGcmCodec([OLD]).encode([json('x')]);
    await expect(new AesGcmCodec([NEW]).decode([enc!])).rejects.toThrow(/unknown key id "old"/);
    const tampered = { ...enc!, data: Buffer.from(enc!.data!).map((b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(new AesGcmCodec([OLD]).decode([tampered])).rejects.toThrow();
  });

  test('refuses a plain payload on decode when encryption is required, saying why', async () => {
    const strict = new AesGcmCodec([OLD], { requireEncryption: true });
    await expect(strict.decode([json('forged feedback')])).rejects.toThrow(UnencryptedPayloadError);
    await expect(strict.decode([json('forged feedback')])).rejects.toThrow(/unencrypted payload \(encoding "json\/plain"\).*PAYLOAD_CODEC_REQUIRE_ENCRYPTION/);
    const [enc] = await strict.encode([json('genuine')]);
    expect(text((await strict.decode([enc!]))[0]!.data)).toBe('"genuine"');
  });

  test('refuses a genuine auth tag cut short of 16 bytes, and a payload too short to hold one', async () => {
    const iv = Buffer.alloc(12, 1);
    const cipher = createCipheriv('aes-256-gcm', OLD.key, iv, { authTagLength: 16 });
    const sealed = Buffer.concat([cipher.update('citizen data'), cipher.final()]);
    const tag = cipher.getAuthTag();
    expect(openGcm(OLD.key, iv, sealed, tag).toString()).toBe('citizen data');
    // A prefix of the real tag: GCM with an unpinned tag length would accept it.
    for (const bytes of [4, 8, 12, 15]) expect(() => openGcm(OLD.key, iv, sealed, tag.subarray(0, bytes))).toThrow(/tag length/i);
    const [enc] = await new AesGcmCodec([OLD]).encode([json('x')]);
    await expect(new AesGcmCodec([OLD]).decode([{ ...enc!, data: Buffer.from(enc!.data!).subarray(0, 20) }])).rejects.toThrow(/too short/);
  });

  test('parses PAYLOAD_CODEC_KEYS and names a bad key', () => {
    expect(parseCodecKeys(`k2:${Buffer.alloc(32, 1).toString('base64')},k1:${Buffer.alloc(32, 2).toString('base64')}`).map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(() => parseCodecKeys('k1:c2hvcnQ=')).toThrow(/k1 must be 32 bytes/);
  });
});

describe('encrypted histories and the codec server', () => {
  let dev: DevServer;
  let raw: Client;
  beforeAll(async () => {
    dev = await connectDevServer();
    raw = new Client({ connection: await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! }) }); // no codec: what the server stores
  });
  afterAll(async () => {
    await dev?.close();
    await raw?.connection.close();
    await closeTestPool();
  });

  test('stores only ciphertext in the history, and the codec server decodes it for an authorised caller', async () => {
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      const closure = makeClosure({ feedbackPolicy: { quietHours: null }, citizen: { name: 'गोपनीय नागरिक', phone: '+919811122233', language: 'hi' } });
      const { workflowId } = await atr.closeGrievance(closure);
      const handle = client.workflow.getHandle(workflowId);
      for (let i = 0; i < 200 && !(await handle.query(stateQuery)).delivery.messageId; i++) await new Promise((r) => setTimeout(r, 25));

      const history = await raw.workflow.getHandle(workflowId).fetchHistory();
      const payloads: Payload[] = [];
      // Search attributes, UI summaries and the SDK's patch markers are plain by design (no personal data; checked below).
      const PLAIN_BY_DESIGN = new Set(['searchAttributes', 'userMetadata', 'markerRecordedEventAttributes']);
      const collect = (v: unknown): void => {
        if (!v || typeof v !== 'object') return;
        if (Array.isArray((v as { payloads?: unknown }).payloads)) payloads.push(...(v as { payloads: Payload[] }).payloads);
        for (const [key, child] of Object.entries(v)) if (typeof child === 'object' && !PLAIN_BY_DESIGN.has(key)) collect(child);
      };
      collect(history.events);
      expect(payloads.length).toBeGreaterThan(3);
      const plain = payloads.filter((p) => text(p.metadata?.encoding) !== 'binary/encrypted').map((p) => text(p.data));
      expect(plain).toEqual([]);
      const everything = JSON.stringify(history, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
      expect(everything).not.toContain('9811122233');
      expect(everything).not.toContain(Buffer.from('गोपनीय').toString('latin1'));

      const token = 'codec-test-token-0123456789';
      const server = await buildCodecServer({ keys: TEST_CODEC_KEYS, token, allowedOrigins: ['http://127.0.0.1:8233'], logger: createLogger('silent'), tokenInPath: true });
      const base = await server.listen({ host: '127.0.0.1', port: 0 });
      try {
        const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
        const body = JSON.stringify({
          payloads: [{ metadata: Object.fromEntries(Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(input.data!).toString('base64') }],
        });
        const headers = { 'content-type': 'application/json', 'x-namespace': 'default' };
        expect((await fetch(`${base}/decode`, { method: 'POST', headers, body })).status).toBe(401);
        const viaPath = await fetch(`${base}/t/${token}/decode`, { method: 'POST', headers, body });
        const viaHeader = await fetch(`${base}/decode`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${token}` }, body });
        for (const res of [viaPath, viaHeader]) {
          expect(res.status).toBe(200);
          const decoded = (await res.json()) as { payloads: { data: string }[] };
          const closureSeen = JSON.parse(Buffer.from(decoded.payloads[0]!.data, 'base64').toString('utf8'));
          expect(closureSeen.citizen).toEqual({ name: 'गोपनीय नागरिक', phone: '+919811122233', language: 'hi' });
        }
        const preflight = await fetch(`${base}/decode`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:8233', 'access-control-request-method': 'POST' } });
        expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
        const elsewhere = await fetch(`${base}/decode`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
        expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
      } finally {
        await server.close();
      }
      await handle.terminate('test done');
    });
  });
});
