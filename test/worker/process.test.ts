/**
 * The worker as ops run it (`node dist/worker/main.js`, configured by environment only): it serves
 * Prometheus metrics with the Temporal SDK's own and our business counters, and stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AtrClient } from '../../client';
import { stateQuery } from '../../contracts/workflow';
import { PROJECT_ROOT } from '../../lib/paths';
import { closeTestPool, testDatabaseUrl, testIntake } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { TEST_ENV, connectDevServer } from '../helpers/temporal';
import { freePort } from '../setup/global-setup';

afterAll(closeTestPool);

test('runs from the build\'s workflow bundle, serves the SDK metrics, our counters, its memory and the breakers, and drains on SIGTERM', async () => {
  const dev = await connectDevServer();
  const taskQueue = `proc-${randomUUID()}`;
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const worker = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'worker', 'main.js')], {
    env: {
      PATH: process.env.PATH,
      ...TEST_ENV,
      TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: testDatabaseUrl(),
      WHATSAPP_MODE: 'outbox',
      WORKER_METRICS_ADDRESS: metricsAddress,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // pino writes to stdout, Node's own warnings to stderr: read both.
  let output = '';
  for (const stream of [worker.stdout, worker.stderr]) stream.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
  try {
    const atr = new AtrClient(dev.client, testIntake(), taskQueue);
    const { workflowId } = await atr.closeGrievance(makeClosure({ feedbackPolicy: { quietHours: null } }));
    const handle = dev.client.workflow.getHandle(workflowId);
    for (let i = 0; i < 600 && !(await handle.query(stateQuery).catch(() => undefined))?.delivery.messageId; i++) await new Promise((r) => setTimeout(r, 50));

    let text = '';
    for (let i = 0; i < 100 && !/sampark_atr_messages_sent_total\{[^}]*purpose="ATR"/.test(text); i++) {
      text = await fetch(`http://${metricsAddress}/metrics`).then((r) => r.text(), () => '');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(text).toMatch(/^temporal_\w+/m); // the SDK's own metrics
    expect(text).toMatch(/sampark_atr_messages_sent_total\{[^}]*purpose="ATR"[^}]*\} 1/);
    expect(text).toMatch(/^sampark_atr_worker_memory_bytes\{[^}]*kind="rss"[^}]*\} [1-9]\d+/m);
    // No fault on our side on this task queue: both channels' breakers report closed.
    expect(text).toMatch(/^sampark_atr_channel_breaker_open\{[^}]*channel="whatsapp"[^}]*\} 0$/m);
    expect(text).toMatch(/^sampark_atr_channel_breaker_open\{[^}]*channel="sms"[^}]*\} 0$/m);
    await handle.terminate('test done');
  } finally {
    worker.kill('SIGTERM');
    const code = await exited;
    await dev.close();
    // No errors, and no warning that the build's workflow bundle was missing or stale.
    expect({ code, problems: output.split('\n').filter((l) => /"level":(50|60)/.test(l) || l.includes('prebuilt workflow bundle')) }).toEqual({ code: 0, problems: [] });
  }
});
