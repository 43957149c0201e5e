/**
 * Replays committed histories (test/replay/histories, one per business path) against today's workflow
 * code. A change that would break workflows already in flight fails here; such a change needs patched()
 * or a new workflow type. Record new fixtures with `CAPTURE_HISTORIES=1 npx jest test/workflows/atr`.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { TEST_DATA_CONVERTER } from '../helpers/temporal';

const dir = path.join(__dirname, 'histories');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))) }));

const bundle = () => ({ codePath: process.env.TEST_WORKFLOW_BUNDLE! });

test('has a history for every business outcome', async () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(8);
  // Results recorded after the codec are encrypted: decode them as a worker would.
  const results = fixtures.flatMap(({ history }) => (history.events ?? []).flatMap((e) => e.workflowExecutionCompletedEventAttributes?.result?.payloads ?? []));
  let payloads = results;
  for (const codec of [...(TEST_DATA_CONVERTER.payloadCodecs ?? [])].reverse()) payloads = await codec.decode(payloads);
  const outcomes = new Set(payloads.map((p) => defaultPayloadConverter.fromPayload<{ outcome: string }>(p).outcome));
  expect([...outcomes].sort()).toEqual(['ESCALATED', 'NO_RESPONSE', 'SATISFIED', 'UNDELIVERABLE']);
});

test.each(fixtures.map((f) => [f.name, f.history] as const))('replays %s with the current workflow code', async (name, history) => {
  // Histories recorded before the codec are plain; later ones are encrypted with the test keys.
  await Worker.runReplayHistory({ workflowBundle: bundle(), replayName: name, dataConverter: TEST_DATA_CONVERTER }, history, name);
});

test('detects a change that would break workflows in flight', async () => {
  const altered = await bundleWorkflowCode({
    workflowsPath: require.resolve('./fixtures/reordered-workflow'),
    logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const [first] = fixtures;
  await expect(Worker.runReplayHistory({ workflowBundle: altered, replayName: 'altered' }, first!.history, first!.name)).rejects.toBeInstanceOf(
    DeterminismViolationError,
  );
});

test('needs the patched() guard: applying early statuses unguarded breaks a history from before the patch', async () => {
  // Today's workflow with only the guard removed, written where webpack can bundle it.
  const root = path.join(__dirname, '..', '..');
  const source = readFileSync(path.join(root, 'workflows', 'atr', 'index.ts'), 'utf8');
  const unguarded = source
    .replace('early.length > 0 && patched(EARLY_STATUS_PATCH)', 'early.length > 0')
    .replace(/from '\.\.\/\.\.\//g, `from '${root}/`)
    .replace("from './schedule'", `from '${root}/workflows/atr/schedule'`);
  expect(unguarded).not.toContain('patched(EARLY_STATUS_PATCH)');
  const dir = path.join(root, 'test', '.artifacts', `unguarded-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.ts'), unguarded);
  const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: path.join(dir, 'index.ts'), logger: quiet });
  const before = fixtures.find((f) => f.name === 'v2-early-status-dropped')!;
  await expect(Worker.runReplayHistory({ workflowBundle, replayName: 'unguarded', dataConverter: TEST_DATA_CONVERTER }, before.history, before.name)).rejects.toBeInstanceOf(
    DeterminismViolationError,
  );
  // The same bundle still replays a history without early statuses, so the failure above is the guard's doing.
  const plain = fixtures.find((f) => f.name === 'v2-satisfied-after-reminder')!;
  await Worker.runReplayHistory({ workflowBundle, replayName: 'unguarded-plain', dataConverter: TEST_DATA_CONVERTER }, plain.history, plain.name);
});
