/**
 * The API against its own OpenAPI document, by a property-based tester: schemathesis (installed by `npm run setup`)
 * generates requests for every documented operation from /openapi.json and checks each answer. The API runs as
 * `npm start` wires it (api/main.ts startApi: config from the environment, PostgreSQL, the Temporal dev server, the
 * webhook relay) with a real worker on its task queue, so GETs find the closures posted. Zero server errors, zero
 * statuses, content types or bodies the document does not describe.
 */
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startApi } from '../../api/main';
import { loadConfig } from '../../config';
import { createLogger } from '../../lib/log';
import { PROJECT_ROOT } from '../../lib/paths';
import { requireSchemathesis } from '../../tools/install/schemathesis';
import { freePort } from '../../tools/scripts/local-stack';
import { testDatabaseUrl, useOwnDatabase } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { TEST_ENV, runWithWorker, useDevServer, type WorkerContext } from '../helpers/temporal';

const API_KEY = 'contract-test-portal-key-0123456789';
/** Per operation and phase: the coverage phase adds its boundary cases on top; the whole run takes about a minute. */
const MAX_EXAMPLES = 10;
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

// The webhook relay that startApi runs takes any pending inbox row: this file keeps to its own database.
useOwnDatabase();
const dev = useDevServer();

interface StRun {
  code: number;
  output: string;
}

/** Runs st in `cwd` (its cache goes there) without blocking the event loop: the API under test answers from this very process. */
function st(args: string[], cwd: string): Promise<StRun> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' };
    execFile(requireSchemathesis(), args, { cwd, env, timeout: 240_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

/** A JUnit XML report's test cases (one per operation), the failing ones, and the checks that failed (ST101...). */
function junitCounts(xml: string): { cases: number; failed: number; checks: string[] } {
  const cases = xml.split(/<testcase\b/).slice(1);
  const checks = [...xml.matchAll(/<(?:failure|error)\b[^>]*message="([^"]*)"/g)].map((m) => m[1]!);
  return { cases: cases.length, failed: cases.filter((c) => /<(failure|error)\b/.test(c)).length, checks: [...new Set(checks)].sort() };
}

/** What one contract run found: st's exit code, the JUnit report's counts, and an account to print on failure. */
interface ContractRun {
  code: number;
  cases: number;
  failed: number;
  checks: string[];
  summary: string;
}

/**
 * `st run` against a document with this test's checks, a bounded number of examples and a random seed (printed on
 * failure, to reproduce with --seed). `dir` keeps the JUnit report and st's output.
 */
async function contractRun(documentUrl: string, dir: string, { config, headers = [] }: { config?: string; headers?: string[] }): Promise<ContractRun> {
  mkdirSync(dir, { recursive: true });
  const seed = randomInt(2 ** 31);
  const junit = path.join(dir, 'junit.xml');
  const run = await st(
    [
      ...(config ? ['--config-file', config] : []),
      'run',
      documentUrl,
      '--checks',
      CHECKS.join(','),
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      String(seed),
      ...headers.flatMap((h) => ['--header', h]),
      // One worker: Python 3.11 before 3.11.9 can fail ast.parse in concurrent threads (CPython gh-106905), which
      // hypothesis calls to describe its strategies; a "Runtime Error" of the tester is not a finding about the API.
      '--workers',
      '1',
      '--request-timeout',
      '20',
      '--generation-database',
      'none',
      '--no-color',
      '--report',
      'junit',
      '--report-junit-path',
      junit,
    ],
    dir,
  );
  writeFileSync(path.join(dir, 'output.txt'), run.output);
  const { cases, failed, checks } = junitCounts(existsSync(junit) ? readFileSync(junit, 'utf8') : '');
  return { code: run.code, cases, failed, checks, summary: `schemathesis (seed ${seed}) exited ${run.code}: ${failed} failing of ${cases} operations\n${run.output.slice(-12_000)}` };
}

describe('the API against /openapi.json (schemathesis)', () => {
  // Kept after the run (test/.artifacts is git-ignored): the JUnit report and st's own account, for a failure on CI.
  const work = path.join(PROJECT_ROOT, 'test', '.artifacts', `schemathesis-${process.pid}`);
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  let stopWorker: (() => void) | undefined;
  let workerDone: Promise<unknown> | undefined;

  beforeAll(async () => {
    requireSchemathesis();
    mkdirSync(work, { recursive: true });
    const ready = new Promise<WorkerContext>((resolveReady) => {
      workerDone = runWithWorker({ connection: dev }, (ctx) => {
        resolveReady(ctx);
        return new Promise<void>((release) => (stopWorker = release));
      });
    });
    const { taskQueue } = await ready;
    const config = loadConfig({
      ...TEST_ENV,
      PORTAL_API_KEY: API_KEY,
      DATABASE_URL: testDatabaseUrl(),
      TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS ?? '',
      TEMPORAL_TASK_QUEUE: taskQueue,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      API_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
      WHATSAPP_MODE: 'outbox',
    });
    api = await startApi(config, createLogger('silent'));
  });

  afterAll(async () => {
    await api?.stop();
    stopWorker?.();
    await workerDone;
  });

  test('finds no server error and no answer the document does not describe', async () => {
    const base = api!.url;
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(document.paths).flatMap((ops) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)));
    // Something for the GETs to find: a closure, posted as the portal would, whose workflow runs on the worker.
    const closure = makeClosure({ feedbackPolicy: { quietHours: null } });
    const seeded = await fetch(`${base}/v1/closures`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(closure),
    });
    expect(seeded.status).toBe(202);
    // Half the generated grievance ids are that closure's, so the GET and the feedback reach a live workflow too.
    const config = path.join(work, 'schemathesis.toml');
    writeFileSync(config, `[dictionaries.grievances]\nvalues = ["${closure.grievanceId}"]\n\n[parameters]\n"path.grievanceId" = { dictionary = "grievances", probability = 0.5 }\n`);

    const run = await contractRun(`${base}/openapi.json`, work, { config, headers: [`Authorization: Bearer ${API_KEY}`] });
    expect({ code: run.code, failed: run.failed, summary: run.summary }).toEqual({ code: 0, failed: 0, summary: run.summary });
    expect(run.cases).toBeGreaterThanOrEqual(operations.length);
  }, 300_000);
});

test('a run fails when an operation answers 5xx or a body its document does not describe', async () => {
  // A deliberately wrong API: /boom answers 500, /drift a body that breaks its own schema. The harness must say so.
  const document = {
    openapi: '3.1.0',
    info: { title: 'broken on purpose', version: '1' },
    paths: {
      '/boom': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } } } },
      '/drift': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } } } } } } },
    },
  };
  const server = createServer((req, res) => {
    const [status, body] = req.url === '/openapi.json' ? [200, document] : req.url === '/boom' ? [500, { error: 'boom' }] : [200, { id: 42 }];
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const run = await contractRun(`http://127.0.0.1:${port}/openapi.json`, path.join(PROJECT_ROOT, 'test', '.artifacts', `schemathesis-${process.pid}-broken`), {});
    expect({ code: run.code, failed: run.failed }).toEqual({ code: 1, failed: 2 });
    expect(run.checks).toEqual(expect.arrayContaining(['ST101', 'ST108'])); // server error; response violates schema
  } finally {
    server.close();
  }
});
