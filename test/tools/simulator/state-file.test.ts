/** `npm start`'s simulator keeps citizens' chats and media across a restart, as Meta and real phones do. */
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../lib/log';
import { startSimulator } from '../../../tools/simulator/main';
import { CITIZEN, PDF, PHONE_NUMBER_ID, TOKEN, disposedTemplate } from './harness';

const ENV = { SIMULATOR_PORT: '0', SIMULATOR_WEBHOOK_URL: '', WHATSAPP_ACCESS_TOKEN: TOKEN, WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID, LOG_LEVEL: 'silent' };
const auth = { authorization: `Bearer ${TOKEN}` };

test("keeps the ATR, its document and the chat across a restart, so the citizen can still tap the ATR's buttons", async () => {
  const stateFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'sampark-sim-')), 'simulator.json');
  const log = createLogger('silent');

  const first = await startSimulator(ENV, log, { stateFile });
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', 'application/pdf');
  form.set('file', new Blob([PDF], { type: 'application/pdf' }), 'ATR.pdf');
  const { id: mediaId } = (await (await fetch(`${first.url}/v25.0/${PHONE_NUMBER_ID}/media`, { method: 'POST', headers: auth, body: form })).json()) as { id: string };
  const sent = await fetch(`${first.url}/v25.0/${PHONE_NUMBER_ID}/messages`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ messaging_product: 'whatsapp', to: CITIZEN, ...disposedTemplate(mediaId) }),
  });
  const wamid = ((await sent.json()) as { messages: { id: string }[] }).messages[0]!.id;
  await first.stop();

  const second = await startSimulator(ENV, log, { stateFile });
  try {
    const messages = (await (await fetch(`${second.url}/_sim/messages?to=${encodeURIComponent(CITIZEN)}`)).json()) as { wamid?: string }[];
    expect(messages.map((m) => m.wamid)).toEqual([wamid]);
    const media = await fetch(`${second.url}/v25.0/${mediaId}`, { headers: auth });
    expect(media.status).toBe(200);
    const tap = await fetch(`${second.url}/_sim/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: CITIZEN, type: 'button', contextWamid: wamid, index: 0 }),
    });
    expect(tap.status).toBe(200);
  } finally {
    await second.stop();
  }
});

test('starts empty without a state file, as the tests and benchmarks run it', async () => {
  const sim = await startSimulator(ENV, createLogger('silent'));
  try {
    expect(await (await fetch(`${sim.url}/_sim/messages?to=${encodeURIComponent(CITIZEN)}`)).json()).toEqual([]);
  } finally {
    await sim.stop();
  }
});

test("writes its state file readable by its owner only (0600), even over an older file that anyone could read", async () => {
  const stateFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'sampark-sim-')), 'simulator.json');
  await (await startSimulator(ENV, createLogger('silent'), { stateFile })).stop();
  chmodSync(stateFile, 0o644); // as versions before this one wrote it
  writeFileSync(`${stateFile}.tmp`, 'left by a crash', { mode: 0o644 });
  const sim = await startSimulator(ENV, createLogger('silent'), { stateFile });
  await sim.stop();
  expect((statSync(stateFile).mode & 0o777).toString(8)).toBe('600');
});
