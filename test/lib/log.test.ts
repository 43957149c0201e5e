/**
 * The logger's own guards, on a real Fastify server over HTTP: requests by route pattern without their query,
 * Fastify's messages and error texts scrubbed of capability URLs, credential headers and personal fields redacted.
 */
import Fastify from 'fastify';
import { createLogger } from '../../lib/log';

async function logsOf(run: (base: string, log: ReturnType<typeof createLogger>) => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const log = createLogger('trace', {}, { write: (line: string) => void lines.push(line) });
  const app = Fastify({ loggerInstance: log });
  app.get('/atr/:token', async () => 'page');
  app.get('/v1/grievances/:grievanceId', async () => ({}));
  app.get('/boom', async () => {
    throw new Error('upstream refused https://sampark.example.in/v1/atr/document?atr=A1&s=SIGNATURE0123456789abc');
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    await run(base, log);
  } finally {
    await app.close();
  }
  return lines.join('');
}

test('logs a request by its route pattern, with the identifiers it may show and without its query', async () => {
  const logged = await logsOf(async (base) => {
    await fetch(`${base}/atr/Zx9aBcDeFgHiJkLmNoPq12?ref=sms`);
    await fetch(`${base}/v1/grievances/2026112800042`);
  });
  expect(logged).toContain('"url":"/atr/:token?[redacted]"');
  expect(logged).toContain('"url":"/v1/grievances/2026112800042"');
  expect(logged).not.toContain('Zx9aBcDeFgHiJkLmNoPq12');
  expect(logged).not.toContain('ref=sms');
});

test("scrubs capability URLs out of Fastify's messages and out of error messages and stacks", async () => {
  const logged = await logsOf(async (base) => {
    await fetch(`${base}/v1/atr/document?atr=A1&s=SIGNATURE0123456789abc`); // no such route here: Fastify's "Route … not found"
    await fetch(`${base}/t/codec-token-0123456789abcdef/decode`);
    await fetch(`${base}/boom`);
  });
  expect(logged).toContain('not found');
  expect(logged).toContain('/t/[redacted]/decode');
  expect(logged).toContain('upstream refused https://sampark.example.in/v1/atr/document?[redacted]');
  expect(logged).not.toContain('SIGNATURE0123456789abc');
  expect(logged).not.toContain('codec-token-0123456789abcdef');
});

test('redacts credential headers and personal fields wherever they are logged', async () => {
  const logged = await logsOf(async (_base, log) => {
    log.info({ headers: { authorization: 'Bearer KEY-1', cookie: 'sid=COOKIE-1', 'x-hub-signature-256': 'sha256=SIG-1' } }, 'headers');
    log.info({ reply: { headers: { 'set-cookie': 'sid=COOKIE-2' } }, citizen: { name: 'Name-1' }, message: { phone: '+919800000001', comment: 'Comment-1' } }, 'fields');
  });
  for (const value of ['KEY-1', 'COOKIE-1', 'SIG-1', 'COOKIE-2', 'Name-1', '9800000001', 'Comment-1']) expect({ value, logged: logged.includes(value) }).toEqual({ value, logged: false });
});
