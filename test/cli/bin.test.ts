/**
 * The shipped bin (`dist/cli/index.js`, what `npx sampark-atr` runs) as a subprocess: built first, then
 * pointed at the run's dev server and database through the environment, as an operator would.
 */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/paths';
import { closeTestPool } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { TEST_ENV, connectDevServer, runWithWorker, type DevServer } from '../helpers/temporal';
import { csvRow, daytime, waitForStage, writeCsv } from './support';

const BIN = path.join(PROJECT_ROOT, 'dist', 'cli', 'index.js');
let dev: DevServer;

beforeAll(async () => {
  // The bin is the compiled code: build it as `npm run build` does (incremental, so cheap when fresh).
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: PROJECT_ROOT, stdio: 'pipe' });
  dev = await connectDevServer();
}, 180_000);
afterAll(async () => {
  await dev?.close();
  await closeTestPool();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the bin with the test servers in its environment (and `env` on top). */
function sampark(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: PROJECT_ROOT,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS!,
          DATABASE_URL: process.env.TEST_DATABASE_URL!,
          // The workers' payload keys: without them the bin could not read the workflow's answers.
          PAYLOAD_CODEC_KEYS: TEST_ENV.PAYLOAD_CODEC_KEYS,
          ...env,
        },
      },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('the sampark-atr bin', () => {
  test('--help lists every command', async () => {
    const run = await sampark(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['render-atr', 'status', 'list', 'resend', 'backfill', 'report']) expect(run.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    const backfill = await sampark(['backfill', '--help']);
    expect(backfill.stdout).toContain('grievanceId*, cycle, atrNumber');
    expect(backfill.stdout).toContain('--dry-run');
  });

  test('status prints a live closure, and for an unknown grievance one line on stderr and exit code 1', async () => {
    await runWithWorker({ connection: dev }, async ({ atr, client, taskQueue }) => {
      const closure = makeClosure(daytime);
      const { workflowId } = await atr.closeGrievance(closure);
      await waitForStage(atr, closure.grievanceId, 'AWAITING_FEEDBACK');

      const found = await sampark(['status', closure.grievanceId], { TEMPORAL_TASK_QUEUE: taskQueue });
      expect(found).toMatchObject({ code: 0, stderr: '' });
      expect(found.stdout).toContain(`Grievance ${closure.grievanceId}, cycle 1`);
      expect(found.stdout).toMatch(/stage\s+AWAITING_FEEDBACK/);
      expect(found.stdout).not.toContain('9876543210');

      const json = await sampark(['status', closure.grievanceId, '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ workflowId, stage: 'AWAITING_FEEDBACK', delivery: { status: 'SENT' } });
      await client.workflow.getHandle(workflowId).terminate('test finished');
    });

    const missing = await sampark(['status', 'NEVER-CLOSED-4713']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'no ATR workflow found for grievance NEVER-CLOSED-4713\n' });
  });

  test('backfill --dry-run exits 0 for the example file and 1 for a file with an invalid row', async () => {
    const example = await sampark(['backfill', 'examples/closures.csv', '--dry-run']);
    expect(example).toMatchObject({ code: 0, stdout: 'Dry run of examples/closures.csv: 3 row(s), 3 valid, 0 invalid; nothing was started.\n' });
    expect(example.stderr).toBe('backfill: 3/3 rows (100%): 0 started, 0 already started, 0 invalid, 0 failed\n');

    const file = writeCsv([csvRow(), csvRow({ citizenPhone: 'x' })]);
    const bad = await sampark(['backfill', file, '--dry-run', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ summary: { rows: 2, valid: 1, invalid: 1 }, invalid: [{ line: 3, errors: [{ field: 'citizenPhone' }] }] });
  });

  test('a bad option is one line and exit code 1; --verbose adds the stack', async () => {
    const quiet = await sampark(['list', '--outcome', 'RESOLVED']);
    expect(quiet).toEqual({ code: 1, stdout: '', stderr: '--outcome "RESOLVED" is not one of SATISFIED, ESCALATED, NO_RESPONSE, UNDELIVERABLE, SUPERSEDED, OPEN\n' });
    const verbose = await sampark(['--verbose', 'list', '--outcome', 'RESOLVED']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/^CliError: --outcome "RESOLVED" is not one of .*\n\s+at /);
  });

  test('an unreachable database is one line naming it, without its password', async () => {
    const run = await sampark(['report'], { DATABASE_URL: 'postgres://ops:s3cret-pw@127.0.0.1:9/sampark_atr' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cannot reach PostgreSQL at postgres:\/\/ops:\*\*\*@127\.0\.0\.1:9\/sampark_atr: .*ECONNREFUSED.*\n$/);
    expect(run.stderr).not.toContain('s3cret');
  });
});
