/** The project root is found from sources, from dist/, and in the production image, which has no sources. */
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDataDir, findRoot } from '../../lib/paths';

test('finds the folder of our package.json in an image laid out as dist/ beside it, skipping other packages', () => {
  const app = mkdtempSync(path.join(tmpdir(), 'app-'));
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'sampark-atr' }));
  mkdirSync(path.join(app, 'dist', 'lib'), { recursive: true });
  const dependency = path.join(app, 'node_modules', 'some-lib', 'lib');
  mkdirSync(dependency, { recursive: true });
  writeFileSync(path.join(app, 'node_modules', 'some-lib', 'package.json'), JSON.stringify({ name: 'some-lib' }));
  expect(findRoot(path.join(app, 'dist', 'lib'))).toBe(app);
  expect(findRoot(dependency)).toBe(app);
});

test('says so when no project is above the start', () => {
  expect(() => findRoot(mkdtempSync(path.join(tmpdir(), 'none-')))).toThrow(/project root not found/);
});

test('creates the data folder for its owner only (0700), and tightens one made with the default mode', () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'data-'));
  const fresh = ensureDataDir(path.join(parent, 'fresh', '.data'));
  expect((statSync(fresh).mode & 0o777).toString(8)).toBe('700');
  const old = path.join(parent, 'old');
  mkdirSync(old);
  chmodSync(old, 0o755);
  ensureDataDir(old);
  expect((statSync(old).mode & 0o777).toString(8)).toBe('700');
});
