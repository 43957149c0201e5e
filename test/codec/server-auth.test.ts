/**
 * The codec server's token travels in the Authorization header: in production a token in the URL (browser
 * history, proxy and access logs) is not even a route; only `npm start`'s loopback dev UI keeps the path form.
 */
import { loadConfig } from '../../config';
import { startCodecServer } from '../../codec/main';
import { createLogger } from '../../lib/log';

const TOKEN = 'codec-auth-test-token-0123456789';
const BASE = {
  ATR_SIGNING_KEYS: `k1:${'s'.repeat(32)}`,
  PAYLOAD_CODEC_KEYS: `c1:${Buffer.alloc(32, 7).toString('base64')}`,
  CODEC_AUTH_TOKEN: TOKEN,
};
const PRODUCTION = {
  ...BASE,
  SAMPARK_ENV: 'production',
  WHATSAPP_MODE: 'cloud',
  WHATSAPP_PHONE_NUMBER_ID: '20000000000002',
  WHATSAPP_ACCESS_TOKEN: 'EAAG-real-looking-token',
  WHATSAPP_APP_SECRET: 'a-real-app-secret-for-tests',
  WHATSAPP_VERIFY_TOKEN: 'a-real-verify-token-for-tests',
  DATABASE_URL: 'postgres://sampark:s3cret@db.internal:5432/sampark_atr',
  TEMPORAL_ADDRESS: 'temporal.internal:7233',
  PUBLIC_BASE_URL: 'https://atr.example.gov.in',
};
const body = JSON.stringify({ payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"x"').toString('base64') }] });
const headers = { 'content-type': 'application/json', 'x-namespace': 'default' };

async function withServer(env: Record<string, string>, run: (url: string, uiEndpoint: string | undefined) => Promise<void>): Promise<void> {
  // Port 0 is refused by the schema; pick a free one from the OS first.
  const net = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const codec = await startCodecServer(loadConfig({ ...env, CODEC_SERVER_PORT: String(port) }, 'worker'), createLogger('silent'));
  try {
    await run(codec.url, codec.uiEndpoint);
  } finally {
    await codec.stop();
  }
}

test('in production, accepts the token only in the Authorization header and offers no token-in-URL endpoint', async () => {
  await withServer(PRODUCTION, async (url, uiEndpoint) => {
    expect(uiEndpoint).toBeUndefined();
    expect((await fetch(`${url}/encode`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${TOKEN}` }, body })).status).toBe(200);
    expect((await fetch(`${url}/encode`, { method: 'POST', headers: { ...headers, authorization: 'Bearer wrong-token-0123456789abcdef' }, body })).status).toBe(401);
    expect((await fetch(`${url}/t/${TOKEN}/encode`, { method: 'POST', headers, body })).status).toBe(404);
  });
});

test("on a laptop, the dev server's UI may still use the token-in-path endpoint", async () => {
  await withServer(BASE, async (url, uiEndpoint) => {
    expect(uiEndpoint).toBe(`${url}/t/${TOKEN}`);
    expect((await fetch(`${uiEndpoint}/encode`, { method: 'POST', headers, body })).status).toBe(200);
  });
});
