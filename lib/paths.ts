/** Where the project lives, from source (ts under jest) and from dist/ alike. */
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The folder holding our package.json: the repository, or /app in the production image (dist/ only, no sources). */
export function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sampark-atr') return dir;
    if (path.dirname(dir) === dir) throw new Error(`project root not found above ${start}`);
  }
}

/** The repository root. */
export const PROJECT_ROOT = findRoot(__dirname);
/** Project-local tools (Temporal binaries), git-ignored and installed by the project's setup. */
export const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');
/** Project-local runtime data (the dev server's SQLite file), git-ignored. */
export const DATA_DIR = path.join(PROJECT_ROOT, '.data');

/**
 * Creates the data folder readable by its owner only (0700), and tightens one an older checkout made with the
 * default mode: it holds this machine's keys, the simulator's chats and citizens' PDFs.
 */
export function ensureDataDir(dir = DATA_DIR): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}
