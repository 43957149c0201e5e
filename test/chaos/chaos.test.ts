/**
 * Chaos: closures driven through the real stack while the worker is killed with SIGKILL again and again,
 * the Temporal dev server and PostgreSQL restart mid-run, the WhatsApp simulator fails a share of calls
 * (429, 5xx, timeouts, 131026) and duplicates and reorders its webhooks, a spell of faults on our side (every send
 * answers 190, an expired token) comes and goes, some phones are off and never send a delivery receipt, and the
 * webhook is abused (bad signatures, malformed and oversized bodies, a flood). A fault on our side or a missing
 * receipt must never decide an outcome: `wrong_outcome` counts every closure whose outcome its citizen did not
 * choose (UNDELIVERABLE included: every citizen here is reachable by WhatsApp or SMS). At the end, from the simulator's record and
 * PostgreSQL: every closure has exactly one outcome, every ATR went out, every reply reached its workflow,
 * every escalation row exists; duplicate sends are counted. The report is JSON on the last line.
 *
 * Profiles: CHAOS_PROFILE=ci (default; `npm test`) or full (`npm run test:chaos`); CHAOS_CLOSURES overrides N.
 */
import { createHmac, randomUUID } from 'node:crypto';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { Pool } from 'pg';
import { ensureDatabase } from '../../db/migrate';
import { buildSimulator, type Simulator } from '../../tools/simulator/server';
import { TEMPLATES } from '../../messaging/whatsapp/protocol';
import { makeClosure } from '../helpers/fixtures';
import { TEST_ENV } from '../helpers/temporal';
import { freePort } from '../setup/global-setup';
import { Citizens, type Plan } from './citizens';
import { AppProcess, ChaosPostgres, ChaosTemporal } from '../../tools/scripts/local-stack';

const PROFILES = {
  ci: { closures: 12, postSeconds: 15, killEveryMs: [4_000, 7_000], faultRate: 0.06 },
  full: { closures: 240, postSeconds: 120, killEveryMs: [3_000, 6_000], faultRate: 0.05 },
} as const;
const profile = PROFILES[(process.env.CHAOS_PROFILE as keyof typeof PROFILES) ?? 'ci'] ?? PROFILES.ci;
const N = Number(process.env.CHAOS_CLOSURES ?? profile.closures);
if (!(N >= 1 && N <= 10_000)) throw new Error(`CHAOS_CLOSURES must be 1..10000 (one phone number each), got ${N}`);

/**
 * Drill timing: a 90-second window, a reminder at 30 s, 20 s for each detail, no quiet hours, no grace, and the SMS
 * link when no delivery receipt came within a minute.
 */
const DRILL_POLICY = { feedbackWindowHours: 1.5 / 60, reminderOffsetsHours: [0.5 / 60], detailsWaitMinutes: 20 / 60, lateFeedbackGraceHours: 0, quietHours: null, deliveryDeadlineHours: 1 / 60 };
/** How long the spell of our-side faults lasts: long enough that sends meet it, short enough that the run goes on. */
const OUR_SIDE_SPELL_MS = 20_000;
const SECRET = 'chaos-app-secret';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = ([lo, hi]: readonly [number, number]) => lo + Math.random() * (hi - lo);

jest.setTimeout(30 * 60_000);

test(`survives crashes, restarts, faults and abuse with nothing lost (${N} closures)`, async () => {
  const ports = { pg: await freePort(), temporal: await freePort(), api: await freePort(), metrics: await freePort(), apiMetrics: await freePort() };
  const pg = await ChaosPostgres.start(ports.pg);
  const temporal = new ChaosTemporal(ports.temporal, path.join(mkdtempSync(path.join(os.tmpdir(), 'sampark-chaos-t-')), 'temporal.sqlite'));
  let sim: Simulator | undefined;
  let worker: AppProcess | undefined;
  let api: AppProcess | undefined;
  const pool = new Pool({ connectionString: pg.url, max: 4 });
  // Stopped in `finally` too, so a failed run does not leave its crash and abuse loops keeping Jest alive.
  let chaosOn = false;
  let abuseOn = false;
  pool.on('error', () => undefined);
  try {
    await ensureDatabase(pg.url);
    await temporal.start();
    const apiUrl = `http://127.0.0.1:${ports.api}`;
    sim = await buildSimulator({
      appSecret: SECRET,
      accessToken: 'chaos-token',
      phoneNumberId: '100000000000001',
      webhookUrl: `${apiUrl}/webhooks/whatsapp`,
      pairRate: { intervalMs: 1_000, burst: 10 },
      statusDelaysMs: { sent: 50, delivered: 300, read: 300 },
      autoRead: true,
      chaos: { duplicateWebhooks: true, statusOrder: 'read-before-delivered' },
      webhookRetry: { delaysMs: [200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000] },
    });
    const simUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
    // A share of calls fails as Meta's do: throughput, transient 5xx, a slow answer past our timeout, and "not on WhatsApp".
    const r = profile.faultRate;
    const transientRules = [
      { endpoint: 'messages', code: 130429, rate: r },
      { endpoint: 'messages', http: 503, rate: r },
      { endpoint: 'messages', timeoutMs: 6_000, rate: r / 2 },
      { endpoint: 'media', http: 500, rate: r },
      { endpoint: 'sms', http: 503, rate: r },
    ];
    const setFaults = (rules: unknown[]) => fetch(`${simUrl}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules }) });
    await setFaults(transientRules);

    const env = {
      ...TEST_ENV,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: `chaos-${randomUUID()}`,
      DATABASE_URL: pg.url,
      WHATSAPP_MODE: 'simulator',
      WHATSAPP_API_URL: simUrl,
      WHATSAPP_ACCESS_TOKEN: 'chaos-token',
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_TIMEOUT_MS: '3000',
      WHATSAPP_PAIR_INTERVAL_MS: '1000',
      SMS_MODE: 'simulator',
      SMS_GATEWAY_URL: `${simUrl}/sms`,
      SMS_GATEWAY_TOKEN: 'chaos-token',
      PUBLIC_BASE_URL: apiUrl,
      LOG_LEVEL: 'error',
    };
    api = new AppProcess('api/main.js', { ...env, PORT: String(ports.api), API_METRICS_ADDRESS: `127.0.0.1:${ports.apiMetrics}` });
    worker = new AppProcess('worker/main.js', { ...env, WORKER_METRICS_ADDRESS: `127.0.0.1:${ports.metrics}` });
    api.start();
    worker.start();
    for (let i = 0; i < 200 && !(await fetch(`${apiUrl}/healthz`).then((x) => x.ok, () => false)); i++) await sleep(100);

    // Citizens: a third satisfied, a third not, a third silent; a few are not on WhatsApp at all (131026).
    const citizens = new Citizens(sim, simUrl, apiUrl);
    const closures = Array.from({ length: N }, (_, i) => {
      // One number per citizen (up to 10,000 a run): a shared number would cross their conversations.
      const phone = `+9197${String(Date.now() % 1e4).padStart(4, '0')}${String(i).padStart(4, '0')}`;
      const plan: Plan = (['satisfied', 'not_satisfied', 'silent'] as const)[i % 3]!;
      return { i, phone, plan, closure: makeClosure({ citizen: { name: 'परीक्षण नागरिक', phone, language: i % 4 === 0 ? 'en' : 'hi' }, feedbackPolicy: DRILL_POLICY }) };
    });
    const notOnWhatsApp = closures.filter((c) => c.i % 10 === 7).map((c) => c.phone);
    await fetch(`${simUrl}/_sim/undeliverable`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ add: notOnWhatsApp }) });
    // Phones off for the whole run: WhatsApp accepts, no receipt ever comes; the SMS link goes after the deadline.
    const phonesOff = closures.filter((c) => c.i % 10 === 4).map((c) => c.phone);
    await fetch(`${simUrl}/_sim/phones-off`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ add: phonesOff }) });
    for (const c of closures) citizens.add(c.phone, c.plan);
    citizens.start();

    // The crashes: SIGKILL the worker at random moments while closures flow, restart Temporal and PostgreSQL once.
    const started = Date.now();
    const crashes = { workerKills: 0, temporalRestarts: 0, postgresRestarts: 0, ourSideSpells: 0 };
    chaosOn = true;
    const chaos = (async () => {
      let temporalDone = false;
      let pgDone = false;
      let ourSideDone = false;
      while (chaosOn) {
        await sleep(between(profile.killEveryMs));
        if (!chaosOn) break;
        await worker!.killHard();
        crashes.workerKills++;
        await sleep(between([200, 1_500]));
        worker!.start();
        const elapsed = (Date.now() - started) / 1000;
        if (!ourSideDone && elapsed > profile.postSeconds * 0.2) {
          // An expired token: every WhatsApp send and upload answers 190 for a spell, then the token is "rotated".
          ourSideDone = true;
          await setFaults([{ endpoint: 'messages', code: 190 }, { endpoint: 'media', code: 190 }, ...transientRules]);
          setTimeout(() => void setFaults(transientRules), OUR_SIDE_SPELL_MS);
          crashes.ourSideSpells++;
        }
        if (!temporalDone && elapsed > profile.postSeconds * 0.4) {
          temporalDone = true;
          await temporal.restart();
          crashes.temporalRestarts++;
        }
        if (!pgDone && elapsed > profile.postSeconds * 0.7) {
          pgDone = true;
          pg.restart();
          crashes.postgresRestarts++;
        }
      }
    })();

    // The abuse, all along: forged signatures, malformed and oversized bodies, and a flood of valid duplicates.
    const abuse = { sent: 0, byStatus: {} as Record<string, number> };
    abuseOn = true;
    const abuser = (async () => {
      const valid = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: '1' }, statuses: [{ id: 'wamid.FLOOD', status: 'sent', timestamp: '1', recipient_id: '91' }] } }] }] });
      const sign = (b: string | Buffer) => `sha256=${createHmac('sha256', SECRET).update(b).digest('hex')}`;
      const bodies: [string | Buffer, string][] = [
        [valid, sign('other body')],
        ['{"object":', sign('{"object":')],
        [Buffer.alloc(5 * 1024 * 1024, 0x20), sign('x')],
        [valid, sign(valid)],
      ];
      while (abuseOn) {
        await Promise.all(
          Array.from({ length: 20 }, async (_, k) => {
            const [body, signature] = bodies[k % bodies.length]!;
            const status = await fetch(`${apiUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body }).then(
              (x) => String(x.status),
              () => 'refused',
            );
            abuse.sent++;
            abuse.byStatus[status] = (abuse.byStatus[status] ?? 0) + 1;
          }),
        );
        await sleep(200);
      }
    })();

    // The portal posts closures over postSeconds, retrying as a portal would while the API is restarting.
    const gap = (profile.postSeconds * 1000) / N;
    for (const c of closures) {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${apiUrl}/v1/closures`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_ENV.PORTAL_API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify(c.closure),
        }).catch(() => undefined);
        // 200: an earlier attempt got through before the API went down (the intake answers the repeat).
        if (res?.status === 202 || res?.status === 200) break;
        if (attempt > 300) throw new Error(`closure ${c.i} was never accepted (last status ${res?.status})`);
        await sleep(500);
      }
      await sleep(gap);
    }
    // Keep crashing for a while after the last closure, then let the stack settle and everything finish.
    await sleep(30_000);
    chaosOn = false;
    abuseOn = false;
    await chaos;
    await abuser;

    const ids = closures.map((c) => c.closure.grievanceId);
    for (const deadline = Date.now() + 8 * 60_000; Date.now() < deadline; await sleep(2_000)) {
      const done = await pool.query('SELECT count(*)::int AS n FROM closures WHERE outcome IS NOT NULL AND grievance_id = ANY($1)', [ids]).then((q) => q.rows[0].n as number, () => 0);
      if (done === N) break;
    }
    citizens.stop();

    // The verdict, from PostgreSQL and the simulator's record.
    const { rows: outcomes } = await pool.query<{ grievance_id: string; outcome: string | null; workflow_id: string }>('SELECT grievance_id, outcome, workflow_id FROM closures WHERE grievance_id = ANY($1)', [ids]);
    const byGrievance = new Map(outcomes.map((o) => [o.grievance_id, o]));
    const lost = closures.filter((c) => !byGrievance.get(c.closure.grievanceId)?.outcome);
    const accepted = (phone: string) => sim!.state.messagesFor(phone).filter((m) => m.wamid) as unknown as { request: { template?: { name: string }; biz_opaque_callback_data?: string } }[];
    const atrNotSent = closures.filter((c) => !accepted(c.phone).some((m) => m.request.template?.name === TEMPLATES.atrDisposed.name) && sim!.state.smsFor(c.phone).length === 0);
    const keys = closures.flatMap((c) => accepted(c.phone).map((m) => m.request.biz_opaque_callback_data ?? 'unkeyed'));
    const duplicatesSent = keys.length - new Set(keys).size;
    const { rows: relayed } = await pool.query<{ wamid: string; relay_state: string; relay_note: string | null }>('SELECT wamid, relay_state, relay_note FROM inbound_messages WHERE wamid = ANY($1)', [citizens.replies.filter((r) => r.wamid).map((r) => r.wamid)]);
    const relayState = new Map(relayed.map((r) => [r.wamid, r]));
    const feedbackLost = citizens.replies.filter((r) => r.wamid && relayState.get(r.wamid)?.relay_state !== 'delivered');
    const { rows: escalations } = await pool.query<{ grievance_id: string }>('SELECT grievance_id FROM escalations WHERE grievance_id = ANY($1)', [ids]);
    const escalated = new Set(escalations.map((e) => e.grievance_id));
    const escalationMissing = outcomes.filter((o) => o.outcome === 'ESCALATED' && !escalated.has(o.grievance_id));
    const wrongOutcome = closures.filter((c) => {
      const o = byGrievance.get(c.closure.grievanceId)?.outcome;
      const answered = citizens.replies.some((r) => r.phone === c.phone && (r.kind === 'tap' || r.kind === 'sms-feedback'));
      const expected = c.plan === 'silent' || !answered ? ['NO_RESPONSE'] : c.plan === 'satisfied' ? ['SATISFIED'] : ['ESCALATED'];
      return o && !expected.includes(o);
    });
    const outcomeCounts = outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o.outcome ?? 'none']: (acc[o.outcome ?? 'none'] ?? 0) + 1 }), {});

    const report = {
      chaos: process.env.CHAOS_PROFILE ?? 'ci',
      closures: N,
      lost: lost.length,
      atr_not_sent: atrNotSent.length,
      duplicates_sent: duplicatesSent,
      duplicate_rate: Number((duplicatesSent / Math.max(keys.length, 1)).toFixed(5)),
      messages_sent: keys.length,
      replies: citizens.replies.length,
      feedback_lost: feedbackLost.length,
      escalation_rows_missing: escalationMissing.length,
      wrong_outcome: wrongOutcome.length,
      outcomes: outcomeCounts,
      crashes_survived: crashes.workerKills + crashes.temporalRestarts + crashes.postgresRestarts,
      rejected_sends: sim!.state.counters.rejected,
      phones_off: phonesOff.length,
      crashes,
      webhook_abuse: abuse,
      sms_fallbacks: closures.filter((c) => sim!.state.smsFor(c.phone).length > 0).length,
      citizen_errors: citizens.failures.length,
      lost_replies: feedbackLost.map((r) => ({ kind: r.kind, state: relayState.get(r.wamid!)?.relay_state ?? 'not in inbox', note: relayState.get(r.wamid!)?.relay_note })),
      seconds: Math.round((Date.now() - started) / 1000),
    };
    console.log(JSON.stringify(report));
    expect({ lost: report.lost, atrNotSent: report.atr_not_sent, feedbackLost: report.feedback_lost, escalationMissing: report.escalation_rows_missing, wrongOutcome: report.wrong_outcome }).toEqual({
      lost: 0,
      atrNotSent: 0,
      feedbackLost: 0,
      escalationMissing: 0,
      wrongOutcome: 0,
    });
    // A duplicate can only come from a worker killed between Meta's answer and our record of it.
    expect(duplicatesSent).toBeLessThanOrEqual(crashes.workerKills);
    expect(crashes.workerKills).toBeGreaterThan(0);
    expect(abuse.byStatus['401'] ?? 0).toBeGreaterThan(0);
    expect(abuse.byStatus['413'] ?? 0).toBeGreaterThan(0);
  } finally {
    chaosOn = false;
    abuseOn = false;
    await api?.stop();
    await worker?.stop();
    await sim?.close();
    await pool.end();
    await temporal.stop();
    pg.stop();
  }
});
