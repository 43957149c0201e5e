/**
 * `npm run bench:webhook`: how many signed WhatsApp webhooks per second the API stores in its inbox, and the
 * p99 to the 200. The API runs as in production (`node dist/api/main.js`, its relay included, a Temporal dev
 * server behind it, the machine's PostgreSQL); the load comes from autocannon in a second process, every
 * request a distinct, correctly signed Meta payload (three statuses to one inbound reply, as a closure
 * produces them). Afterwards the inbox is counted: every 200 must be a stored row. JSON on the last line.
 * BENCH_WEBHOOK_SECONDS (default 20), BENCH_WEBHOOK_CONNECTIONS (default 50).
 */
import { fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createReports } from '../../db/reports';
import { BENCH_APP_SECRET, machine, round, startBenchStack } from './util';

const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_WEBHOOK_CONNECTIONS ?? 50);

/** Meta's envelope around one change value. */
function envelope(value: Record<string, unknown>): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, ...value } }] }],
  });
}

/** The i-th webhook: a status (sent, delivered or read) three times out of four, a citizen's text reply otherwise. */
function payload(run: string, i: number): string {
  const ts = String(Math.floor(Date.now() / 1000));
  const waId = `9196${String(i % 1e8).padStart(8, '0')}`;
  if (i % 4 === 3) {
    return envelope({
      contacts: [{ profile: { name: 'Bench' }, wa_id: waId }],
      messages: [{ from: waId, id: `wamid.IN${run}${i}`, timestamp: ts, type: 'text', text: { body: 'धन्यवाद' }, context: { from: '15550783881', id: `wamid.OUT${run}${i}` } }],
    });
  }
  const status = ['sent', 'delivered', 'read'][i % 4]!;
  return envelope({
    statuses: [{
      id: `wamid.OUT${run}${Math.floor(i / 4)}`, status, timestamp: ts, recipient_id: waId,
      ...(status === 'read' ? {} : { pricing: { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' } }),
    }],
  });
}

/** The load process: autocannon against `url` with a fresh signed body per request; sends its result to the parent. */
async function load(url: string, run: string): Promise<void> {
  const autocannon = (await import('autocannon')).default;
  let i = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{
      method: 'POST',
      setupRequest: (req) => {
        const body = payload(run, i++);
        const signature = createHmac('sha256', BENCH_APP_SECRET).update(body).digest('hex');
        return { ...req, body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${signature}` } };
      },
    }],
  });
  process.send!(result, () => process.exit(0));
}

async function main(): Promise<void> {
  const stack = await startBenchStack({ logLevel: 'info' }); // as in production: one log line per webhook
  const { db, apiUrl } = stack;
  try {
    const run = Date.now().toString(36);
    const child = fork(__filename, ['--load', `${apiUrl}/webhooks/whatsapp`, run], { stdio: 'inherit' });
    const result = await new Promise<import('autocannon').Result>((resolve, reject) => {
      child.once('message', (m) => resolve(m as import('autocannon').Result));
      child.once('exit', (code) => reject(new Error(`load process exited with ${code}`)));
    });
    const inbox = await createReports(db).inboxCounts();
    const ok = result['2xx'];
    const stored = inbox.events;
    console.log(
      JSON.stringify({
        benchmark: 'webhook',
        machine: machine(),
        seconds: SECONDS,
        connections: CONNECTIONS,
        requests_per_second: round(result.requests.average),
        latency_ms_p50: result.latency.p50,
        latency_ms_p99: result.latency.p99,
        latency_ms_max: result.latency.max,
        responses_2xx: ok,
        non_2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        inbox_events_stored: stored,
        inbox_statuses: inbox.statuses,
        inbox_messages: inbox.messages,
        every_200_stored: stored >= ok,
        targets: { requests_per_second_min: 1500, latency_ms_p99_max: 50 },
        targets_met: { throughput: result.requests.average >= 1500, p99: result.latency.p99 < 50 },
      }),
    );
  } finally {
    await stack.stop();
  }
}

if (process.argv[2] === '--load') {
  load(process.argv[3]!, process.argv[4]!).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
