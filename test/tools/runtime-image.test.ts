/**
 * The production image holds the runtime only: what tsconfig.runtime.json compiles (the Dockerfile's
 * default stage) reaches no file under tools/ or test/, even through an import, and the Dockerfile builds
 * that stage from it; and what it compiles runs without the rest of the repository.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

test('the runtime build runs on its own, laid out as the image lays it out (no sources, no tools)', () => {
  const app = mkdtempSync(path.join(tmpdir(), 'image-'));
  const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.runtime.json', '--outDir', path.join(app, 'dist'), '--tsBuildInfoFile', path.join(app, 'build.tsbuildinfo')], { cwd: PROJECT_ROOT });
  copyFileSync(path.join(PROJECT_ROOT, 'package.json'), path.join(app, 'package.json'));
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(app, 'node_modules'));
  expect(existsSync(path.join(app, 'dist', 'tools'))).toBe(false);

  const help = spawnSync(process.execPath, [path.join(app, 'dist', 'cli', 'index.js'), '--help'], { cwd: app, encoding: 'utf8' });
  expect(help.stdout).toMatch(/status \[options\] <grievanceId>/);
  expect(help.status).toBe(0);
  // Started without configuration, the API refuses to boot for that reason, not for a missing module.
  const api = spawnSync(process.execPath, [path.join(app, 'dist', 'api', 'main.js')], { cwd: app, encoding: 'utf8', env: { PATH: process.env.PATH } });
  expect(api.status).not.toBe(0);
  expect(`${api.stdout}${api.stderr}`).toMatch(/PORTAL_API_KEY/);
  expect(`${api.stdout}${api.stderr}`).not.toMatch(/Cannot find module/);
});
