/**
 * Replays committed histories (test/replay/histories, one per business path) against today's workflow
 * code. A change that would break workflows already in flight fails here; such a change needs patched()
 * or a new workflow type. Record new fixtures with `CAPTURE_HISTORIES=1 npx jest test/workflows/atr`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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

test('has a history for every business outcome', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(8);
  const outcomes = new Set(
    fixtures.flatMap(({ history }) =>
      (history.events ?? [])
        .filter((e) => e.workflowExecutionCompletedEventAttributes)
        .map((e) => JSON.parse(Buffer.from(e.workflowExecutionCompletedEventAttributes!.result!.payloads![0]!.data!).toString()).outcome),
    ),
  );
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
