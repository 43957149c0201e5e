/**
 * Replays committed histories (test/replay/histories, one per business path) against today's workflow
 * code. A change that would break workflows already in flight fails here. Record fixtures with
 * `CAPTURE_HISTORIES=1 npx jest test/workflows/atr test/workflows/escalation`.
 *
 * The discipline: once workflows run in production, a change that alters the commands of histories in
 * flight (order, kind, activity names, timers) must keep the old path behind patched() (or start a new
 * workflow type), and must keep today's fixtures replaying; add a fixture for the new path and a test
 * that the old fixture still replays. Re-recording these fixtures is only right while nothing is in
 * flight (as when the pre-production patches were retired).
 */
import { readdirSync, readFileSync } from 'node:fs';
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

test("has a history for every business outcome, the ATR's and the escalation ladder's", async () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(13);
  // Results are encrypted with the test keys: decode them as a worker would.
  const results = fixtures.flatMap(({ history }) => (history.events ?? []).flatMap((e) => e.workflowExecutionCompletedEventAttributes?.result?.payloads ?? []));
  let payloads = results;
  for (const codec of [...(TEST_DATA_CONVERTER.payloadCodecs ?? [])].reverse()) payloads = await codec.decode(payloads);
  const outcomes = new Set(payloads.map((p) => defaultPayloadConverter.fromPayload<{ outcome: string }>(p).outcome));
  expect([...outcomes].sort()).toEqual(['BREACHED', 'ESCALATED', 'NO_RESPONSE', 'RESOLVED', 'SATISFIED', 'SUPERSEDED', 'UNDELIVERABLE']);
});

test.each(fixtures.map((f) => [f.name, f.history] as const))('replays %s with the current workflow code', async (name, history) => {
  await Worker.runReplayHistory({ workflowBundle: bundle(), replayName: name, dataConverter: TEST_DATA_CONVERTER }, history, name);
});

test('detects a change that would break workflows in flight', async () => {
  const altered = await bundleWorkflowCode({
    workflowsPath: require.resolve('./fixtures/reordered-workflow'),
    logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const [first] = fixtures;
  const err = await Worker.runReplayHistory({ workflowBundle: altered, replayName: 'altered', dataConverter: TEST_DATA_CONVERTER }, first!.history, first!.name).catch((e) => e);
  expect(err).toBeInstanceOf(DeterminismViolationError);
  // Caught at the reordering itself, not at some later difference of the stand-in workflow.
  expect(err.message).toMatch(/scheduled event 'recordClosure' does not match activity type of activity command 'renderAtr'/);
});
