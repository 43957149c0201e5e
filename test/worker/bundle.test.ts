/** The prebuilt workflow bundle: used while current, never when the code was compiled after it. */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prebuiltWorkflowBundle } from '../../worker/bundle';

function compiledRoot(bundleAt: number | undefined, buildInfoAt: number): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sampark-bundle-'));
  writeFileSync(path.join(root, '.tsbuildinfo'), '{}');
  utimesSync(path.join(root, '.tsbuildinfo'), buildInfoAt, buildInfoAt);
  if (bundleAt !== undefined) {
    writeFileSync(path.join(root, 'workflow-bundle.js'), '// bundle');
    utimesSync(path.join(root, 'workflow-bundle.js'), bundleAt, bundleAt);
  }
  return root;
}

test('uses the bundle the build wrote after compiling', () => {
  const root = compiledRoot(2_000, 1_000);
  expect(prebuiltWorkflowBundle(root)).toEqual({ codePath: path.join(root, 'workflow-bundle.js') });
});

test('ignores a bundle older than the last compile, so a worker never runs stale workflow code', () => {
  expect(prebuiltWorkflowBundle(compiledRoot(1_000, 2_000))).toBeUndefined();
});

test('finds no bundle where the build did not write one', () => {
  expect(prebuiltWorkflowBundle(compiledRoot(undefined, 1_000))).toBeUndefined();
});
