/**
 * Keeping a voice note against the simulator over HTTP: the audio is downloaded (GET /{media-id}, then its
 * short-lived URL with the bearer token) and stored with its type and SHA-256 once; an id Meta no longer knows
 * is recorded unavailable with Meta's reason; a failure that may heal is thrown for the relay to retry, until
 * its attempts run out.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Closure } from '../../../contracts/closure';
import { createClosureRepository } from '../../../db/repositories/closures';
import { createVoiceNoteRepository } from '../../../db/repositories/voice-notes';
import { createCloudApi } from '../../../messaging/whatsapp/client';
import { MAX_DOWNLOAD_ATTEMPTS, createVoiceNoteKeeper } from '../../../messaging/whatsapp/voice-notes';
import { buildSimulator, type Simulator } from '../../../tools/simulator/server';
import { testPool } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { CREDENTIALS } from '../../helpers/whatsapp';

let sim: Simulator;
let simUrl: string;

beforeAll(async () => {
  // Nobody listens for its webhooks here: the voice notes are fetched by id.
  sim = await buildSimulator({ ...CREDENTIALS, webhookUrl: 'http://127.0.0.1:9/webhooks/whatsapp', webhookRetry: { delaysMs: [] } });
  simUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => sim.close());

const api = (baseUrl = simUrl) => createCloudApi({ baseUrl, version: 'v25.0', phoneNumberId: CREDENTIALS.phoneNumberId, accessToken: CREDENTIALS.accessToken, timeoutMs: 2_000 });
const notes = () => createVoiceNoteRepository(testPool());

async function closureAndVoiceNote() {
  const closure = makeClosure({ cycle: 1, citizen: { name: 'Citizen', phone: '+919812345678', language: 'hi' } }) as Closure;
  const workflowId = `atr-${closure.grievanceId}-c${closure.cycle}`;
  await createClosureRepository(testPool()).recordClosure(workflowId, closure);
  const res = await fetch(`${simUrl}/_sim/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: closure.citizen.phone, type: 'audio' }) });
  const { wamid, message } = (await res.json()) as { wamid: string; message: { audio: { id: string; sha256: string } } };
  return { workflowId, messageId: wamid, mediaId: message.audio.id, sha256: message.audio.sha256, receivedAt: new Date() };
}

test('stores the audio with its type and SHA-256, once', async () => {
  const v = await closureAndVoiceNote();
  const keeper = createVoiceNoteKeeper({ api: api(), notes: notes() });
  expect(await keeper.keep({ ...v, attempts: 1 })).toEqual({ kept: 'stored' });
  expect(await keeper.keep({ ...v, attempts: 1 })).toEqual({ kept: 'held' });
  const note = await notes().getVoiceNote({ workflowId: v.workflowId, mediaId: v.mediaId });
  expect(note).toMatchObject({ mimeType: 'audio/ogg; codecs=opus', sha256: v.sha256 });
  expect(createHash('sha256').update(note!.audio).digest('hex')).toBe(v.sha256);
  // Another closure's id never opens it.
  expect(await notes().getVoiceNote({ workflowId: 'atr-0-c1', mediaId: v.mediaId })).toBeUndefined();
});

test("records a media id Meta does not know as unavailable, with Meta's reason", async () => {
  const v = { ...(await closureAndVoiceNote()), mediaId: `${Date.now()}${Math.floor(Math.random() * 1e6)}` };
  const result = await createVoiceNoteKeeper({ api: api(), notes: notes() }).keep({ ...v, attempts: 1 });
  expect(result).toMatchObject({ kept: 'unavailable', reason: expect.stringContaining('does not exist') });
  expect(await notes().findVoiceNote(v.mediaId)).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('WhatsApp error 100') });
});

test('throws a failure that may heal, so the relay retries, and gives up after its attempts', async () => {
  const v = { ...(await closureAndVoiceNote()), mediaId: randomUUID() };
  const unreachable = createVoiceNoteKeeper({ api: api('http://127.0.0.1:9'), notes: notes() });
  await expect(unreachable.keep({ ...v, attempts: 1 })).rejects.toThrow();
  expect(await notes().findVoiceNote(v.mediaId)).toBeUndefined();
  expect(await unreachable.keep({ ...v, attempts: MAX_DOWNLOAD_ATTEMPTS })).toMatchObject({ kept: 'unavailable', reason: expect.stringContaining(`download failed ${MAX_DOWNLOAD_ATTEMPTS} times`) });
});
