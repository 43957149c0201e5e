/** The API's Prometheus endpoint, on its internal listener: request latency by route and webhook intake by result. */
import { createHmac } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createApiMetrics, serveMetrics } from '../../api/metrics';
import { buildApi } from '../../api/server';
import { AtrClient } from '../../client';
import { createLogger } from '../../lib/log';
import { closeTestPool, testIdempotency, testIntake, testPool } from '../helpers/db';

afterAll(closeTestPool);

test('serves /metrics on the internal listener only, counting webhooks by result and timing requests by route', async () => {
  const connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
  const metrics = createApiMetrics();
  const app = await buildApi({
    atr: new AtrClient(new Client({ connection }), testIntake()),
    apiKey: 'x'.repeat(20),
    idempotency: testIdempotency(),
    logger: createLogger('silent'),
    health: {},
    whatsapp: { appSecret: 'metrics-secret', verifyToken: 'v', pool: testPool() },
    metrics,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const internal = await serveMetrics(metrics.registry, '127.0.0.1:0');
  try {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
    const sig = `sha256=${createHmac('sha256', 'metrics-secret').update(body).digest('hex')}`;
    const post = (signature: string) => fetch(`${base}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
    expect((await post(sig)).status).toBe(200);
    expect((await post('sha256=00')).status).toBe(401);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(internal.url.replace('/metrics', '/healthz'))).status).toBe(404);
    const text = await (await fetch(internal.url)).text();
    expect(text).toContain('sampark_atr_webhook_requests_total{result="stored"} 1');
    expect(text).toContain('sampark_atr_webhook_requests_total{result="bad_signature"} 1');
    expect(text).toMatch(/sampark_atr_http_request_duration_seconds_count\{method="POST",route="\/webhooks\/whatsapp",status="200"\} 1/);
    expect(text).toMatch(/^sampark_atr_api_process_resident_memory_bytes \d+/m);
  } finally {
    await internal.close();
    await app.close();
    await connection.close();
  }
});
