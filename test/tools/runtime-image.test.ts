/**
 * The production image holds the runtime only: what tsconfig.runtime.json compiles (the Dockerfile's
 * default stage) reaches no file under tools/ or test/, even through an import, and the Dockerfile builds
 * that stage from it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/paths';

test('the runtime build compiles no simulator, benchmark, script or test file', () => {
  const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const listed = execFileSync(process.execPath, [tsc, '-p', 'tsconfig.runtime.json', '--listFilesOnly'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  const ours = listed
    .split('\n')
    .filter((f) => f && !f.includes('/node_modules/'))
    .map((f) => path.relative(PROJECT_ROOT, f));
  expect(ours).toEqual(expect.arrayContaining(['worker/main.ts', 'api/main.ts', 'codec/main.ts', 'cli/index.ts', 'workflows/index.ts']));
  expect(ours.filter((f) => /^(tools|test)\//.test(f))).toEqual([]);
});

test('the Dockerfile builds its default stage from the runtime build and copies only its output', () => {
  const dockerfile = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const last = stages.at(-1)!;
  expect(last).toMatch(/^node:20-bookworm-slim AS runtime/);
  expect(last).toMatch(/COPY --from=build \/app\/dist/);
  const build = stages.find((s) => / AS build\b/.test(s))!;
  expect(build).toMatch(/npm run build:runtime/);
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts['build:runtime']).toMatch(/tsc -p tsconfig\.runtime\.json/);
});
