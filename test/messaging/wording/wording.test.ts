/**
 * Citizen-facing wording stays in one place per language: Hindi and English say the same things with the
 * same placeholders, and no runtime source outside messaging/wording/ holds Devanagari text, so wording
 * cannot drift back into the code that uses it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../lib/paths';
import { WORDING, fill } from '../../../messaging/wording';

/** Every phrase as [dotted path, text]. */
function phrases(node: unknown, at = ''): [string, unknown][] {
  if (typeof node !== 'object' || node === null) return [[at, node]];
  return Object.entries(node).flatMap(([key, value]) => phrases(value, at ? `${at}.${key}` : key));
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('Hindi and English define the same phrases, none of them empty', () => {
  const hi = phrases(WORDING.hi);
  const en = phrases(WORDING.en);
  expect(hi.map(([at]) => at)).toEqual(en.map(([at]) => at));
  for (const [at, text] of [...hi, ...en]) {
    expect({ at, text: typeof text === 'string' && text.trim().length > 0 }).toEqual({ at, text: true });
  }
});

test('each phrase takes the same placeholders in both languages', () => {
  const en = new Map(phrases(WORDING.en));
  for (const [at, text] of phrases(WORDING.hi)) {
    expect({ at, placeholders: placeholders(text as string) }).toEqual({ at, placeholders: placeholders(en.get(at) as string) });
  }
});

test("reason titles fit WhatsApp's 24-character list rows", () => {
  for (const wording of Object.values(WORDING)) {
    for (const { title } of Object.values(wording.reasons)) expect([...title].length).toBeLessThanOrEqual(24);
  }
});

test("fill puts values into placeholders without expanding a value's own braces or dollar signs", () => {
  expect(fill('{id} by {department}; {unknown}', { id: 'G-1', department: '$& {id}' })).toBe('G-1 by $& {id}; {unknown}');
});

/** Folders whose Devanagari is not wording: test data, developer tools, and the wording itself. */
const NOT_RUNTIME_WORDING = ['node_modules', 'dist', '.tools', '.data', '.git', 'test', 'tools', path.join('messaging', 'wording')];
/**
 * Public, not citizen-messaging, wording with Devanagari: the transparency page's words, one module for both
 * languages (what the public reads about all grievances, never what a citizen is sent).
 */
const PUBLIC_PAGE_WORDING = [path.join('api', 'transparency', 'wording.ts')];

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) return NOT_RUNTIME_WORDING.includes(at) ? [] : sources(at);
    return /\.(ts|js|mjs|cjs)$/.test(entry.name) && !PUBLIC_PAGE_WORDING.includes(at) ? [at] : [];
  });
}

test('no source file outside messaging/wording/, test/ and tools/ contains Devanagari', () => {
  const found = sources('').filter((file) => /[\u0900-\u097F]/.test(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')));
  expect(found).toEqual([]);
});
