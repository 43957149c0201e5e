/** The contract tester comes from the project's own setup: pinned, in its venv under .tools, found by the tests. */
import { spawnSync } from 'node:child_process';
import { SCHEMATHESIS, installSchemathesis, requireSchemathesis } from '../../../tools/install/schemathesis';

test('setup installed the pinned schemathesis into .tools, and a second install does nothing', () => {
  // npm test runs setup first, which installs it.
  const st = requireSchemathesis();
  expect(st).toMatch(/\.tools\/schemathesis-4\.32\.5\/bin\/st$/);
  const version = spawnSync(st, ['--version'], { encoding: 'utf8' });
  expect(version.stdout.trim()).toBe(`st, version ${SCHEMATHESIS.split('==')[1]}`);
  expect(installSchemathesis()).toEqual([]);
});
