/**
 * The citizen's own words, end to end through the simulator on the dev server: a typed rating counts when one
 * closure awaits it, anything unclear gets the explanation, a reply after the close gets the outcome and is
 * recorded for ops, and a voice note sent without quoting us becomes the awaited comment, its audio kept after
 * Meta's media id has expired.
 */
import { createHash } from 'node:crypto';
import { printStatus, runStatus } from '../../../cli/status';
import { stateQuery } from '../../../contracts/workflow';
import { createVoiceNoteRepository } from '../../../db/repositories/voice-notes';
import { TEMPLATES } from '../../../messaging/whatsapp/protocol';
import type { SimMessageView } from '../../../tools/simulator/server';
import { testPool, useOwnDatabase } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { useDevServer } from '../../helpers/temporal';
import { CREDENTIALS, eventually, uniqueMobile, withWhatsApp, type WhatsAppLoop } from '../../helpers/whatsapp';

const dev = useDevServer();
// The relay takes any pending inbox row: another file's relay would take this file's.
useOwnDatabase();

type Sent = SimMessageView & { request: { type: string; template?: { name: string }; interactive?: { type: string }; text?: { body: string } } };

/** Escalates at once after "not satisfied" (no dialogue), messages at any hour. */
const noDialogue = { feedbackPolicy: { quietHours: null, detailsWaitMinutes: 0 } };

const sentTo = (loop: WhatsAppLoop, phone: string) => loop.simCall<Sent[]>('GET', `/_sim/messages?to=${encodeURIComponent(phone)}`);

/** Posts a closure for a fresh number and waits until its ATR is on the phone. */
async function atrOnPhone(loop: WhatsAppLoop, over: Parameters<typeof makeClosure>[0] = noDialogue, phone = uniqueMobile()) {
  const closure = makeClosure({ ...over, citizen: { name: 'Citizen', phone, language: 'hi' } });
  const { workflowId } = await loop.atr.closeGrievance(closure);
  const atrMessage = await eventually(async () => (await sentTo(loop, phone)).find((m) => m.request.template?.name === TEMPLATES.atrDisposed.name));
  return { phone, closure, workflowId, handle: loop.client.workflow.getHandle(workflowId), atrMessage };
}

const escalation = (workflowId: string) => async () => (await testPool().query('SELECT level, voice_media_id FROM escalations WHERE workflow_id = $1', [workflowId])).rows[0];

describe("the citizen's own words", () => {
  test('typing "असंतुष्ट" with one closure waiting escalates it', async () => {
    await withWhatsApp(dev, async (loop) => {
      const { phone, workflowId, handle } = await atrOnPhone(loop);
      await loop.simCall('POST', '/_sim/inbound', { from: phone, type: 'text', text: 'असंतुष्ट' });
      expect(await eventually(escalation(workflowId))).toMatchObject({ level: 1 });
      expect((await handle.query(stateQuery)).feedback).toMatchObject({ rating: 'NOT_SATISFIED', channel: 'whatsapp' });
      await handle.terminate('test done');
    });
  });

  test('"2", "no" and "nahi" count as "not satisfied", "haan" as satisfied', async () => {
    await withWhatsApp(dev, async (loop) => {
      const typed = { '2': 'NOT_SATISFIED', no: 'NOT_SATISFIED', 'Nahi!': 'NOT_SATISFIED', haan: 'SATISFIED' } as const;
      const runs = await Promise.all(Object.keys(typed).map(() => atrOnPhone(loop)));
      await Promise.all(Object.keys(typed).map((text, i) => loop.simCall('POST', '/_sim/inbound', { from: runs[i]!.phone, type: 'text', text })));
      const ratings = await Promise.all(
        runs.map((r) => eventually(async () => (await r.handle.query(stateQuery)).feedback?.rating, 60_000)),
      );
      expect(ratings).toEqual(Object.values(typed));
      for (const r of runs) await r.handle.terminate('test done');
    });
  });

  test('with two closures awaiting a rating, a typed "नहीं" gets the explanation and rates neither', async () => {
    await withWhatsApp(dev, async (loop) => {
      const first = await atrOnPhone(loop);
      const second = await atrOnPhone(loop, noDialogue, first.phone);
      await eventually(async () => ((await second.handle.query(stateQuery)).stage === 'AWAITING_FEEDBACK' ? true : undefined));
      const inbound = await loop.simCall<{ wamid: string }>('POST', '/_sim/inbound', { from: first.phone, type: 'text', text: 'नहीं' });
      const help = await eventually(async () => (await sentTo(loop, first.phone)).find((m) => m.request.type === 'text'));
      expect(help.request.text!.body).toContain('181');
      expect(help.request.text!.body).toContain('असंतुष्ट');
      // The row is written before the answer goes, and marked with its message id after.
      const recorded = await eventually(async () => (await testPool().query('SELECT kind, reply_message_id FROM citizen_replies WHERE wamid = $1 AND reply_message_id IS NOT NULL', [inbound.wamid])).rows[0]);
      expect(recorded).toEqual({ kind: 'HELP', reply_message_id: help.wamid });
      for (const r of [first, second]) {
        expect((await r.handle.query(stateQuery)).feedback).toBeUndefined();
        await r.handle.terminate('test done');
      }
    });
  });

  test('a reply after the close is answered with the outcome and how to raise a new grievance, and recorded', async () => {
    await withWhatsApp(dev, async (loop) => {
      const { phone, closure, workflowId, handle, atrMessage } = await atrOnPhone(loop);
      await loop.simCall('POST', '/_sim/inbound', { from: phone, type: 'button', contextWamid: atrMessage.wamid, index: 0 });
      await eventually(async () => (await testPool().query("SELECT 1 FROM closures WHERE workflow_id = $1 AND outcome = 'SATISFIED'", [workflowId])).rows[0]);
      await handle.terminate('feedback period over');
      const texts = async () => (await sentTo(loop, phone)).filter((m) => m.request.type === 'text' && m.request.text!.body.includes('sampark.rajasthan.gov.in'));

      // Quoting our ATR (the run it names has ended), then without context (no closure of theirs is live).
      const quoted = await loop.simCall<{ wamid: string }>('POST', '/_sim/inbound', { from: phone, type: 'text', text: 'फिर से समस्या है', contextWamid: atrMessage.wamid });
      await eventually(async () => ((await texts()).length === 1 ? true : undefined));
      const loose = await loop.simCall<{ wamid: string }>('POST', '/_sim/inbound', { from: phone, type: 'text', text: 'hello' });
      const answers = await eventually(async () => ((await texts()).length === 2 ? texts() : undefined));
      for (const a of answers) {
        expect(a.request.text!.body).toContain('आपने संतुष्टि दर्ज की थी');
        expect(a.request.text!.body).toContain('181');
      }
      const { rows } = await testPool().query('SELECT wamid, kind, outcome, message_type FROM citizen_replies WHERE workflow_id = $1 ORDER BY received_at, wamid', [workflowId]);
      expect(rows.map((r) => r.wamid).sort()).toEqual([quoted.wamid, loose.wamid].sort());
      expect(rows.map(({ kind, outcome, message_type }) => ({ kind, outcome, message_type }))).toEqual([
        { kind: 'AFTER_CLOSE', outcome: 'SATISFIED', message_type: 'text' },
        { kind: 'AFTER_CLOSE', outcome: 'SATISFIED', message_type: 'text' },
      ]);
      const settled = await testPool().query('SELECT relay_state FROM inbound_messages WHERE wamid = ANY($1)', [[quoted.wamid, loose.wamid]]);
      expect(settled.rows.map((r) => r.relay_state)).toEqual(['closed', 'closed']);
      // Ops see them in `sampark-atr status`, without the citizen's words.
      await eventually(async () => ((await testPool().query('SELECT 1 FROM citizen_replies WHERE workflow_id = $1 AND reply_message_id IS NULL', [workflowId])).rows.length === 0 ? true : undefined));
      const report = await runStatus({ atr: loop.atr, pool: testPool() }, closure.grievanceId);
      expect(report.citizenReplies.map((c) => [c.kind, c.outcome, c.answer.startsWith('sent ')])).toEqual([
        ['AFTER_CLOSE', 'SATISFIED', true],
        ['AFTER_CLOSE', 'SATISFIED', true],
      ]);
      let text = '';
      printStatus(report, { write: (chunk: string) => (text += chunk) });
      expect(text).toContain("Citizen's messages we answered");
      expect(text).not.toContain('hello');
    });
  });

  test("a voice note without context becomes the awaited comment, and its audio is kept after Meta's media id expires", async () => {
    await withWhatsApp(
      dev,
      async (loop) => {
        const { phone, workflowId, handle, atrMessage } = await atrOnPhone(loop, { feedbackPolicy: { quietHours: null, detailsWaitMinutes: 2 } });
        await loop.simCall('POST', '/_sim/inbound', { from: phone, type: 'button', contextWamid: atrMessage.wamid, index: 1 });
        const list = await eventually(async () => (await sentTo(loop, phone)).find((m) => m.request.interactive?.type === 'list'));
        await eventually(async () => ((await handle.query(stateQuery)).stage === 'AWAITING_DETAILS' ? true : undefined));

        const voice = await loop.simCall<{ wamid: string; message: { audio: { id: string; sha256: string } } }>('POST', '/_sim/inbound', { from: phone, type: 'audio' });
        const mediaId = voice.message.audio.id;
        await eventually(async () => ((await handle.query(stateQuery)).feedback?.voiceMediaId === mediaId ? true : undefined));
        const rows = (list.request.interactive as unknown as { action: { sections: { rows: { id: string; title: string }[] }[] } }).action.sections[0]!.rows;
        const reason = rows.find((r) => r.id.endsWith('|NOT_RESOLVED'))!;
        await loop.simCall('POST', '/_sim/inbound', { from: phone, type: 'list_reply', contextWamid: list.wamid, id: reason.id, title: reason.title });
        expect(await eventually(escalation(workflowId))).toEqual({ level: 1, voice_media_id: mediaId });

        // Meta's id has expired by now (the simulator keeps a citizen's media 4 s here) ...
        await new Promise((r) => setTimeout(r, 4_200));
        const expired = await fetch(`${loop.simUrl}/v25.0/${mediaId}`, { headers: { authorization: `Bearer ${CREDENTIALS.accessToken}` } });
        expect(expired.status).toBe(400);
        expect(((await expired.json()) as { error: { code: number } }).error.code).toBe(100);
        // ... and the escalation's voice note still plays from our storage.
        const note = await createVoiceNoteRepository(testPool()).getVoiceNote({ workflowId, mediaId });
        expect(note?.mimeType).toMatch(/^audio\/ogg/);
        expect(note!.audio.subarray(0, 4).toString('latin1')).toBe('OggS');
        expect(createHash('sha256').update(note!.audio).digest('hex')).toBe(voice.message.audio.sha256);
        await handle.terminate('test done');
      },
      { inboundMediaTtlMs: 4_000 },
    );
  });
});
