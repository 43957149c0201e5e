/** The build context never carries secrets: `.env` (and its variants) and the laptop's `.data/` stay out of every image. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/paths';

test('.dockerignore keeps .env, its variants and .data out of the build context, but not .env.example', () => {
  const lines = readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  expect(lines).toEqual(expect.arrayContaining(['.env', '.env.*', '.data', '!.env.example']));
  // A later negation would bring a secret back in; only .env.example may be re-included.
  expect(lines.filter((l) => l.startsWith('!'))).toEqual(['!.env.example']);
});
