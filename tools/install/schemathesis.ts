/**
 * Schemathesis, the property-based tester the contract test runs against the live API's /openapi.json. Installed from
 * PyPI into its own virtual environment under .tools (a venv, not pip --target: it brings many Python dependencies
 * that must not meet other projects' versions), pinned, and only once: a later setup finds it and does nothing.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TOOLS_DIR } from '../../lib/paths';

/** Pinned: the CLI's flags changed between 3.x and 4.x (test/contract passes 4.x flags). */
export const SCHEMATHESIS = 'schemathesis==4.32.5';

/** The venv's folder: one per pinned version, so a new pin installs beside the old one. */
export const SCHEMATHESIS_DIR = path.join(TOOLS_DIR, SCHEMATHESIS.replace('==', '-'));
/** Written last: a folder without it is an install that stopped half-way, and is made again. */
const COMPLETE_MARKER = path.join(SCHEMATHESIS_DIR, '.installed');

/** The `st` command of the project's install, or undefined when it is not (completely) installed. */
export function resolveSchemathesis(): string | undefined {
  const st = path.join(SCHEMATHESIS_DIR, 'bin', 'st');
  try {
    accessSync(st, constants.X_OK);
  } catch {
    return undefined;
  }
  return existsSync(COMPLETE_MARKER) ? st : undefined;
}

/** The `st` command, or a clear error telling how to install it. */
export function requireSchemathesis(): string {
  const st = resolveSchemathesis();
  if (!st) throw new Error(`schemathesis not found: run \`npm run setup\` (installs ${SCHEMATHESIS} into ${path.relative(process.cwd(), SCHEMATHESIS_DIR) || SCHEMATHESIS_DIR})`);
  return st;
}

/** Installs schemathesis if it is not there; returns what it installed (nothing when it already was). */
export function installSchemathesis(): string[] {
  if (resolveSchemathesis()) return [];
  rmSync(SCHEMATHESIS_DIR, { recursive: true, force: true });
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['-m', 'venv', '--help'], { stdio: 'ignore' }).status === 0);
  if (!python) throw new Error(`Python 3 with venv is needed to install ${SCHEMATHESIS} (python3 -m venv was not found)`);
  run(python, ['-m', 'venv', SCHEMATHESIS_DIR], 'python3 -m venv');
  const pip = path.join(SCHEMATHESIS_DIR, 'bin', 'pip');
  run(pip, ['install', '--disable-pip-version-check', '--no-input', '--quiet', SCHEMATHESIS], `pip install ${SCHEMATHESIS}`);
  writeFileSync(COMPLETE_MARKER, `${SCHEMATHESIS}\n`);
  if (!resolveSchemathesis()) throw new Error(`pip installed ${SCHEMATHESIS} but ${SCHEMATHESIS_DIR}/bin/st is missing`);
  return [SCHEMATHESIS];
}

function run(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status ?? result.signal})`);
}
