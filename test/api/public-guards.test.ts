/**
 * The public routes' guards over real HTTP: per-IP limits answer 429 in our error shape with retry-after, the
 * portal's API-key routes are never limited, and HSTS is sent when the public URL is https.
 */
import { Client, Connection } from '@temporalio/client';
import { buildApi } from '../../api/server';
import { LIMITS } from '../../api/public-guards';
import { AtrClient } from '../../client';
import { createClosureRepository } from '../../db/repositories/closures';
import { createLogger } from '../../lib/log';
import { AtrSealer } from '../../pdf/seal';
import { closeTestPool, testIdempotency, testIntake, testPool } from '../helpers/db';
import { TEST_SEAL_KEYS } from '../helpers/temporal';

const API_KEY = 'guards-portal-key-0123456789';
let connection: Connection;
beforeAll(async () => {
  connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
});
afterAll(async () => {
  await connection.close();
  await closeTestPool();
});

async function withApi(hsts: boolean, body: (base: string) => Promise<void>) {
  const app = await buildApi({
    atr: new AtrClient(new Client({ connection }), testIntake()),
    apiKey: API_KEY,
    idempotency: testIdempotency(),
    logger: createLogger('silent'),
    health: {},
    verification: { sealer: new AtrSealer(TEST_SEAL_KEYS), store: createClosureRepository(testPool()) },
    hsts,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    await body(base);
  } finally {
    await app.close();
  }
}

test('ATR verification is limited per IP, answering 429 with the error shape and retry-after', async () => {
  await withApi(false, async (base) => {
    const max = LIMITS.verify[0].max;
    const statuses: number[] = [];
    for (let i = 0; i < max; i++) statuses.push((await fetch(`${base}/v1/atr/verify?atr=x`)).status);
    expect(new Set(statuses)).toEqual(new Set([400])); // counted, then refused for its fields
    const limited = await fetch(`${base}/v1/atr/verify?atr=x`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('cache-control')).toBe('no-store');
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await limited.json()).toMatchObject({ status: 429, error: 'rate_limited', detail: expect.stringMatching(/^too many requests; retry in \d+ s$/), requestId: expect.any(String) });
  });
});

test('the portal’s API-key routes are never rate limited', async () => {
  await withApi(false, async (base) => {
    const statuses = await Promise.all(
      Array.from({ length: 300 }, () =>
        fetch(`${base}/v1/grievances/G-NOT-THERE/feedback`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
          body: '{}',
        }).then((r) => r.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([400]));
  });
});

test('HSTS is sent when the public URL is https, and not otherwise', async () => {
  await withApi(true, async (base) => {
    expect((await fetch(`${base}/healthz`)).headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });
  await withApi(false, async (base) => {
    expect((await fetch(`${base}/healthz`)).headers.get('strict-transport-security')).toBeNull();
  });
});
