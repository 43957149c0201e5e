/**
 * The portal team's examples (examples/java, examples/python) run against the real API: the real AtrClient, the run's
 * Temporal dev server, a real worker and PostgreSQL, over real HTTP. Each posts a closure (202, then 200 for the same
 * closure again), prints a refused field by name, and verifies an event signed here with node:crypto, refusing a
 * tampered one. The paths they call must be in /openapi.json.
 */
import { execFile, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApi } from '../../api/server';
import { PORTAL_EVENT_ID_HEADER, PORTAL_SIGNATURE_HEADER, type NewPortalEvent, type PortalEvent } from '../../contracts/events';
import { appendPortalEvents } from '../../db/repositories/portal-events';
import { PortalEventFeed } from '../../portal/event-feed';
import { freePort } from '../../tools/scripts/local-stack';
import { signPortalEvent } from '../../portal/signature';
import { createLogger } from '../../lib/log';
import { PROJECT_ROOT } from '../../lib/paths';
import { testIdempotency, testPool, useOwnDatabase } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { runWithWorker, useDevServer, type WorkerContext } from '../helpers/temporal';

const API_KEY = 'test-portal-key-0123456789';
const EVENTS_SECRET = 'portal-events-secret-for-the-examples-test';
const EXAMPLES = path.join(PROJECT_ROOT, 'examples');
// The event feed's dispatcher takes any due event in its database: this file keeps to its own.
useOwnDatabase();
const dev = useDevServer();
const work = mkdtempSync(path.join(os.tmpdir(), 'sampark-examples-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop: the API under test answers from this very process. */
function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { env: { PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1', ...env }, timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr: stderr || (err && typeof err.code !== 'number' ? String(err) : '') });
    });
  });
}

/** Fails with what to install when a runtime the examples need is missing (CI has both: `npm run setup` installs the JDK). */
async function requireRuntime(command: string, args: string[], install: string): Promise<void> {
  const found = await run(command, args);
  if (found.code !== 0) throw new Error(`${command} is needed to run the portal examples (${install}): ${found.stderr.trim()}`);
}

function javaSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const at = path.join(dir, name);
    return statSync(at).isDirectory() ? javaSources(at) : at.endsWith('.java') ? [at] : [];
  });
}

const JAVA_OUT = path.join(work, 'java-classes');
/** Each example's command line: `post CLOSURE.json [KEY]` and `verify EVENT.json SIGNATURE`. */
const examples = {
  java: (args: string[], env: Record<string, string>) => run('java', ['-cp', JAVA_OUT, 'sampark.example.Main', ...args], env),
  python: (args: string[], env: Record<string, string>) => run('python3', [path.join(EXAMPLES, 'python', 'example.py'), ...args], env),
};
type Example = keyof typeof examples;

/** An example's `serve PORT` receiver, running; `waitFor` polls its output lines. */
function startReceiver(name: Example, port: number) {
  const [command, args] = name === 'java' ? ['java', ['-cp', JAVA_OUT, 'sampark.example.Main']] : ['python3', [path.join(EXAMPLES, 'python', 'example.py')]];
  const child = spawn(command, [...args, 'serve', String(port)], { env: { PATH: process.env.PATH ?? '', PORTAL_EVENTS_SECRET: EVENTS_SECRET, PYTHONDONTWRITEBYTECODE: '1' } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    lines: () => output.split('\n').filter(Boolean),
    async waitFor(done: (lines: string[]) => boolean, what: string, ms = 30_000): Promise<string[]> {
      for (const end = Date.now() + ms; !done(this.lines()); await new Promise((r) => setTimeout(r, 50))) {
        if (Date.now() > end) throw new Error(`the ${name} receiver: timed out waiting for ${what}; it printed:\n${output}`);
      }
      return this.lines();
    },
    stop: () => child.kill(),
  };
}

// Its hooks are inside this describe so they end the worker before useDevServer's afterAll closes the connection.
describe('the portal examples against the live API', () => {
  let base = '';
  let app: Awaited<ReturnType<typeof buildApi>> | undefined;
  let stopWorker: (() => void) | undefined;
  let workerDone: Promise<unknown> | undefined;

  beforeAll(async () => {
    await requireRuntime('javac', ['-version'], 'a JDK 17: apt-get install openjdk-17-jdk-headless');
    await requireRuntime('java', ['-version'], 'a JDK 17: apt-get install openjdk-17-jdk-headless');
    await requireRuntime('python3', ['--version'], 'Python 3.9 or newer');
    const javac = await run('javac', ['-Xlint:all', '-Werror', '-d', JAVA_OUT, ...javaSources(path.join(EXAMPLES, 'java', 'src'))]);
    if (javac.code !== 0) throw new Error(`the Java example does not compile:\n${javac.stderr}`);

    // One API and one worker for the file, kept running until afterAll.
    const ready = new Promise<WorkerContext>((resolveReady) => {
      workerDone = runWithWorker({ connection: dev }, (ctx) => {
        resolveReady(ctx);
        return new Promise<void>((release) => (stopWorker = release));
      });
    });
    const { atr } = await ready;
    const api = await buildApi({ atr, apiKey: API_KEY, idempotency: testIdempotency(), logger: createLogger('silent'), health: {} });
    app = api;
    base = await api.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app?.close();
    stopWorker?.();
    await workerDone;
    rmSync(work, { recursive: true, force: true });
  });

  function apiEnv(): Record<string, string> {
    return { SAMPARK_API_URL: base, SAMPARK_API_KEY: API_KEY };
  }

  function writeJson(value: unknown): string {
    const file = path.join(work, `${randomUUID()}.json`);
    writeFileSync(file, JSON.stringify(value));
    return file;
  }

  // Integration closures switch quiet hours off: the dev server runs on the real clock, at any hour CI runs.
  const daytime = { feedbackPolicy: { quietHours: null } };

  test('call only operations /openapi.json documents, with the answers they handle', async () => {
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
    const sources = { java: javaSources(path.join(EXAMPLES, 'java', 'src')), python: [path.join(EXAMPLES, 'python', 'sampark_client.py')] };
    for (const [name, files] of Object.entries(sources)) {
      const code = files.map((file) => readFileSync(file, 'utf8')).join('\n');
      const paths = [...new Set([...code.matchAll(/"(\/v1\/[^"]*)"/g)].map((m) => m[1]!))];
      const methods = [...new Set([...code.matchAll(/\.(GET|POST|PUT|PATCH|DELETE)\(|method="(GET|POST|PUT|PATCH|DELETE)"/g)].map((m) => (m[1] ?? m[2])!.toLowerCase()))];
      expect({ name, paths, methods }).toEqual({ name, paths: ['/v1/closures'], methods: ['post'] });
      for (const p of paths) for (const m of methods) expect(Object.keys(document.paths[p]?.[m]?.responses ?? {})).toEqual(expect.arrayContaining(['200', '202', '400']));
    }
  });

  describe.each(Object.keys(examples) as Example[])('the %s example', (name) => {
    const example = examples[name];

    test('posts a closure: 202 and its workflow; a retry with the same Idempotency-Key gets that first answer; the closure again 200 "duplicate"', async () => {
      const closure = makeClosure(daytime);
      const file = writeJson(closure);
      const answer = `workflowId=atr-${closure.grievanceId}-c1 status=/v1/grievances/${closure.grievanceId}`;
      const key = randomUUID();

      const first = await example(['post', file, key], apiEnv());
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(first.stdout).toBe(`202 accepted ${answer}\n`);
      expect((await example(['post', file, key], apiEnv())).stdout).toBe(`202 accepted ${answer} (replayed)\n`);
      expect((await example(['post', file], apiEnv())).stdout).toBe(`200 duplicate ${answer}\n`);
      await expect(dev.client.workflow.getHandle(`atr-${closure.grievanceId}-c1`).describe()).resolves.toMatchObject({ status: { name: 'RUNNING' } });
    });

    test('reports the same Idempotency-Key with another closure as 422 idempotency_key_reused', async () => {
      const key = randomUUID();
      expect((await example(['post', writeJson(makeClosure(daytime)), key], apiEnv())).code).toBe(0);
      const reused = await example(['post', writeJson(makeClosure(daytime)), key], apiEnv());
      expect(reused.code).toBe(1);
      expect(reused.stdout).toMatch(/^422 idempotency_key_reused: \S/);
    });

    test('posts a closure with a member the API does not know yet: accepted, and the member named as ignored', async () => {
      const closure = { ...makeClosure(daytime), portalBatchRef: 'B-2026-12-01-07' };
      const res = await example(['post', writeJson(closure)], apiEnv());
      expect(res.code).toBe(0);
      expect(res.stdout.split('\n').slice(0, 2)).toEqual([expect.stringMatching(/^202 accepted /), '  ignored field portalBatchRef']);
    });

    test('prints each refused field of a 400 by name, and the request id, and exits 1', async () => {
      const closure = makeClosure({ ...daytime, citizen: { name: 'Ram Kumar', phone: 'not-a-phone', language: 'hi' } });
      const res = await example(['post', writeJson(closure)], apiEnv());
      expect(res.code).toBe(1);
      expect(res.stdout.trim().split('\n')).toEqual([
        expect.stringMatching(/^400 validation_failed: \S/),
        expect.stringMatching(/^ {2}field citizen\.phone: \S/),
        expect.stringMatching(/^ {2}requestId \S+$/),
      ]);
    });

    test("receives the feed's events from the real dispatcher: verified, each once, in order; a forged one refused", async () => {
      const port = await freePort();
      const receiver = startReceiver(name, port);
      try {
        await receiver.waitFor((lines) => lines.some((l) => l.startsWith('listening on')), 'it to listen');
        const grievanceId = `2026${randomUUID().replace(/\D/g, '').slice(0, 9).padEnd(9, '7')}`;
        const workflowId = `atr-${grievanceId}-c1`;
        const life: NewPortalEvent[] = [
          { id: `${workflowId}:atr.delivered:w1`, type: 'atr.delivered', grievanceId, cycle: 1, data: { workflowId, channel: 'whatsapp', messageId: 'w1', deliveredAt: '2026-12-01T05:00:00.000Z' } },
          { id: `${workflowId}:feedback.received:w2`, type: 'feedback.received', grievanceId, cycle: 1, data: { workflowId, messageId: 'w2', rating: 'SATISFIED', channel: 'whatsapp', decisive: true, late: false, receivedAt: '2026-12-01T06:00:00.000Z' } },
          { id: `${workflowId}:closure.outcome`, type: 'closure.outcome', grievanceId, cycle: 1, data: { workflowId, outcome: 'SATISFIED' } },
        ];
        await appendPortalEvents(testPool(), life);
        const feed = new PortalEventFeed({ pool: testPool(), log: createLogger('silent'), url: `http://127.0.0.1:${port}/events`, secret: EVENTS_SECRET, timeoutMs: 5_000, pollMs: 50 });
        feed.start();
        const received = await receiver.waitFor((lines) => lines.filter((l) => l.startsWith('event ')).length >= life.length, 'three events').finally(() => feed.stop());
        expect(received.filter((l) => l.startsWith('event '))).toEqual(
          life.map((e, i) => expect.stringMatching(new RegExp(`^event id=${e.id} type=${e.type} grievanceId=${grievanceId} cycle=1 sequence=${i + 1}$`))),
        );

        // The same event again (a retry after a lost 2xx) is dropped by its id; a body signed with another secret is refused.
        const again = JSON.stringify({ id: life[0]!.id, type: life[0]!.type, specVersion: '1', grievanceId, cycle: 1, sequence: 1, occurredAt: '2026-12-01T05:00:00.000Z', data: life[0]!.data });
        const post = (signature: string) => fetch(`http://127.0.0.1:${port}/events`, { method: 'POST', headers: { 'content-type': 'application/json', [PORTAL_SIGNATURE_HEADER]: signature, [PORTAL_EVENT_ID_HEADER]: life[0]!.id }, body: again });
        expect((await post(signPortalEvent(again, EVENTS_SECRET))).status).toBe(200);
        expect((await post(signPortalEvent(again, 'another-secret-of-at-least-32-characters'))).status).toBe(401);
        const tail = await receiver.waitFor((lines) => lines.some((l) => l.startsWith('refused')), 'the refusal');
        expect(tail.slice(-2)).toEqual([`duplicate id=${life[0]!.id}`, 'refused: invalid signature']);
      } finally {
        receiver.stop();
      }
    });

    test('verifies an event signed as the feed signs it (portal/signature.ts) and reads its id and type; refuses a tampered body or another secret', async () => {
      const event: PortalEvent<'atr.delivered'> = {
        id: `evt-${randomUUID()}`,
        type: 'atr.delivered',
        specVersion: '1',
        grievanceId: '2026112800042',
        cycle: 2,
        sequence: 7,
        occurredAt: '2026-12-01T09:15:00.000Z',
        data: { workflowId: 'atr-2026112800042-c2', channel: 'whatsapp', messageId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgS', deliveredAt: '2026-12-01T09:14:58.000Z' },
      };
      // Spaced and escaped as no re-serialisation would reproduce: the examples must verify the bytes as received.
      const raw = Buffer.from(`${JSON.stringify(event, null, 1).replace('"whatsapp"', '"wh\\u0061tsapp"')}\n`);
      const signature = signPortalEvent(raw, EVENTS_SECRET);
      expect(signature).toBe(`sha256=${createHmac('sha256', EVENTS_SECRET).update(raw).digest('hex')}`);
      const file = path.join(work, `${event.id}.json`);
      writeFileSync(file, raw);

      const valid = await example(['verify', file, signature], { PORTAL_EVENTS_SECRET: EVENTS_SECRET });
      expect(valid).toMatchObject({ code: 0, stdout: `valid id=${event.id} type=atr.delivered grievanceId=2026112800042 cycle=2 sequence=7\n` });

      const tampered = path.join(work, `${event.id}-tampered.json`);
      writeFileSync(tampered, raw.toString().replace('"sequence": 7', '"sequence": 8'));
      expect(await example(['verify', tampered, signature], { PORTAL_EVENTS_SECRET: EVENTS_SECRET })).toMatchObject({ code: 1, stdout: expect.stringMatching(/^invalid signature/) });
      expect(await example(['verify', file, signature], { PORTAL_EVENTS_SECRET: 'another-secret' })).toMatchObject({ code: 1 });
      expect(await example(['verify', file, 'sha256=not-hex'], { PORTAL_EVENTS_SECRET: EVENTS_SECRET })).toMatchObject({ code: 1 });
    });
  });
});

test(`the examples send the signature header the feed documents (${PORTAL_SIGNATURE_HEADER})`, () => {
  expect(readFileSync(path.join(EXAMPLES, 'java', 'src', 'main', 'java', 'sampark', 'example', 'EventVerifier.java'), 'utf8')).toContain(`"${PORTAL_SIGNATURE_HEADER}"`);
  expect(readFileSync(path.join(EXAMPLES, 'python', 'sampark_client.py'), 'utf8')).toContain(`"${PORTAL_SIGNATURE_HEADER}"`);
});
