/** Where the project lives, from source (ts under jest) and from dist/ alike. */
import { existsSync, readFileSync } from 'node:fs';
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
