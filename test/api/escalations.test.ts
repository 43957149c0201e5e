/**
 * The portal's escalation routes over real HTTP: a grievance escalated for real (time-skipping server, real worker,
 * PostgreSQL), read and acted on through /v1/escalations for an officer the portal has signed in. Refusals are
 * problems: outside the officer's scope 404 (ids cannot be probed), below the case's level 409 with the reason.
 */
import { randomUUID } from 'node:crypto';
import { buildApi } from '../../api/server';
import { createLogger } from '../../lib/log';
import { makeClosure } from '../helpers/fixtures';
import { eventually } from '../helpers/whatsapp';
import { createVoiceNoteRepository } from '../../db/repositories/voice-notes';
import { testIdempotency, testPool } from '../helpers/db';
import type { WorkerContext } from '../helpers/temporal';
import { skipToIst } from '../helpers/temporal';
import { escalateGrievance, stateWhen, useLadderBed, type Escalated } from '../workflows/escalation/support';

const API_KEY = 'escalations-portal-key-0123456789';
const bed = useLadderBed();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
type Json = any;
type Answer = { status: number; headers: Headers; json: Json };

/** An escalated grievance and the API over it, listening on a free port while `body` runs. */
async function withEscalationApi(body: (api: { e: Escalated; base: string; call: (method: string, path: string, payload?: unknown, headers?: Record<string, string>) => Promise<Answer> }) => Promise<void>, options: { cycle?: number; voiceMediaId?: string } = {}) {
  await skipToIst(bed.env, '10:00');
  await bed.withWorker(async (ctx: WorkerContext) => {
    const e = await escalateGrievance(ctx, options);
    await stateWhen(e.handle, (s) => s.history.length === 1);
    const app = await buildApi({ atr: ctx.atr, apiKey: API_KEY, idempotency: testIdempotency(), logger: createLogger('silent'), health: {}, escalations: { escalations: e.escalations, voiceNotes: createVoiceNoteRepository(testPool()) } });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const call = async (method: string, path: string, payload?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${API_KEY}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
        signal: AbortSignal.timeout(20_000),
      });
      return { status: res.status, headers: res.headers, json: (await res.json()) as Json };
    };
    try {
      await body({ e, base, call });
    } finally {
      await app.close();
    }
  });
}

test("lists and reads an escalation, and acknowledges it and adds a note for the department's officer", async () => {
  await withEscalationApi(async ({ e, call }) => {
    const list = await call('GET', `/v1/escalations?departmentCode=${e.department}&districtCode=${e.district}`);
    expect(list.status).toBe(200);
    expect(list.json.escalations).toEqual([expect.objectContaining({ escalationId: e.escalationId, grievanceId: e.grievanceId, level: 1, status: 'OPEN', reason: 'NOT_RESOLVED' })]);

    const ack = await call('POST', `/v1/escalations/${e.escalationId}/acknowledge`, { actor: e.officers.L1 });
    expect(ack.status).toBe(200);
    expect(ack.json).toMatchObject({ escalationId: e.escalationId, state: { status: 'ACKNOWLEDGED', level: 1 }, ignoredFields: [] });

    const note = await call('POST', `/v1/escalations/${e.escalationId}/notes`, { actor: e.officers.L1, note: 'कनिष्ठ अभियंता को मौके पर भेजा', channel: 'portal' });
    expect(note.status).toBe(201);
    expect(note.json).toMatchObject({ escalationId: e.escalationId, noteId: expect.any(String), ignoredFields: ['channel'] });

    const found = await call('GET', `/v1/escalations/${e.escalationId}`);
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ escalationId: e.escalationId, level: 1, reason: 'NOT_RESOLVED', acknowledgedAt: expect.any(String) });
    expect(found.json.history.map((h: { action: string; note: string | null }) => [h.action, h.note])).toEqual([
      ['RAISED', null],
      ['ACKNOWLEDGED', null],
      ['NOTE_ADDED', 'कनिष्ठ अभियंता को मौके पर भेजा'],
    ]);
  });
});

test('answers 404 for an officer outside the case\'s scope, and 409 with the reason for one below its level', async () => {
  await withEscalationApi(
    async ({ e, call }) => {
      const outside = await call('POST', `/v1/escalations/${e.escalationId}/acknowledge`, { actor: { ...e.officers.L2, officerId: 'other-district', districtCode: 'OTHER' } });
      expect(outside.status).toBe(404);
      expect(outside.json).toMatchObject({ status: 404, error: 'not_found' });

      // Cycle 2 starts at the district: the department's officer is in scope but below the level.
      const below = await call('POST', `/v1/escalations/${e.escalationId}/acknowledge`, { actor: e.officers.L1 });
      expect(below.status).toBe(409);
      expect(below.json).toMatchObject({ status: 409, error: 'action_refused', detail: 'escalation is at level 2; role L1 may not act on it' });

      const unknown = await call('GET', '/v1/escalations/esc-atr-G000000-c1');
      expect(unknown.status).toBe(404);
      expect((await stateWhen(e.handle, () => true)).status).toBe('OPEN');
    },
    { cycle: 2 },
  );
});

test('refuses a blank note naming the field, and replays the first answer to a repeated Idempotency-Key', async () => {
  await withEscalationApi(async ({ e, call }) => {
    const blank = await call('POST', `/v1/escalations/${e.escalationId}/notes`, { actor: e.officers.L1, note: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.json).toMatchObject({ error: 'validation_failed', fields: [{ field: 'note', message: 'must not be empty' }] });

    const key = randomUUID();
    const first = await call('POST', `/v1/escalations/${e.escalationId}/notes`, { actor: e.officers.L1, note: 'दोबारा निरीक्षण होगा' }, { 'idempotency-key': key });
    const again = await call('POST', `/v1/escalations/${e.escalationId}/notes`, { actor: e.officers.L1, note: 'दोबारा निरीक्षण होगा' }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json.noteId).toBe(first.json.noteId);
    const other = await call('POST', `/v1/escalations/${e.escalationId}/notes`, { actor: e.officers.L1, note: 'कुछ और' }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    const found = await call('GET', `/v1/escalations/${e.escalationId}`);
    expect(found.json.history.filter((h: { action: string }) => h.action === 'NOTE_ADDED')).toHaveLength(1);
  });
});

test('refuses a caller without the API key', async () => {
  await withEscalationApi(async ({ e, call }) => {
    const res = await call('GET', `/v1/escalations/${e.escalationId}`, undefined, { authorization: 'Bearer wrong' });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: 'unauthorized' });
  });
});

test('reads a due-before filter with any offset as an instant, and refuses one that is not a date-time', async () => {
  await withEscalationApi(async ({ call }) => {
    // PostgreSQL takes offsets up to ±15:59 only; the filter reaches it in UTC.
    expect((await call('GET', '/v1/escalations?slaDueBefore=0074-09-19T15:22:04-19:59')).status).toBe(200);
    const bad = await call('GET', '/v1/escalations?slaDueBefore=tomorrow');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'validation_failed', fields: [{ field: 'slaDueBefore', message: 'must be an ISO 8601 date-time' }] });
  });
});

test("gives the portal the citizen's voice note as it was kept, and 404 for a case without one", async () => {
  const mediaId = `media-${randomUUID()}`;
  const audio = Buffer.from('OggS voice note bytes');
  await withEscalationApi(
    async ({ e, base }) => {
      await createVoiceNoteRepository(testPool()).saveVoiceNote({ mediaId, workflowId: e.atrWorkflowId, messageId: 'wamid.voice', mimeType: 'audio/ogg', sha256: 'not-checked-here', audio, receivedAt: new Date() });
      const res = await fetch(`${base}/v1/escalations/${e.escalationId}/voice`, { headers: { authorization: `Bearer ${API_KEY}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('audio/ogg');
      expect(Buffer.from(await res.arrayBuffer())).toEqual(audio);
    },
    { voiceMediaId: mediaId },
  );
  await withEscalationApi(async ({ e, call }) => {
    const none = await call('GET', `/v1/escalations/${e.escalationId}/voice`);
    expect(none.status).toBe(404);
    expect(none.json).toMatchObject({ error: 'not_found' });
  });
});

test('a re-disposal posted through the API ends the escalation RESOLVED and starts cycle 2', async () => {
  await withEscalationApi(async ({ e, call }) => {
    const next = makeClosure({ grievanceId: e.grievanceId, cycle: 2, department: { code: e.department, nameEn: 'Department' }, district: { code: e.district, nameEn: 'District' } });
    const posted = await call('POST', '/v1/closures', next);
    expect(posted.status).toBe(202);
    expect(posted.json.workflowId).toBe(`atr-${e.grievanceId}-c2`);
    const ended = await stateWhen(e.handle, (s) => s.status === 'RESOLVED');
    expect(ended.resolvedBy).toBe(posted.json.workflowId);
    const found = await eventually(async () => {
      const c = await call('GET', `/v1/escalations/${e.escalationId}`);
      return c.json.status === 'RESOLVED' ? c.json : undefined;
    });
    expect(found).toMatchObject({ status: 'RESOLVED', resolvedByWorkflowId: posted.json.workflowId, slaDueAt: null });
    expect((await call('GET', `/v1/grievances/${e.grievanceId}`)).json).toMatchObject({ cycle: 2, workflowId: posted.json.workflowId });
  });
});
