/**
 * Installs the Debian packages the project needs beyond npm and PyPI (poppler-utils for the PDF tests,
 * chromium for the reference images and the PDF benchmark), idempotently, so a clean machine needs
 * nothing installed by hand. Needs root (as on CI); otherwise it says what to install.
 */
import { spawnSync } from 'node:child_process';

/** A command-line tool and the Debian package that provides it. */
export interface SystemTool {
  binary: string;
  debianPackage: string;
}

export const POPPLER: SystemTool = { binary: 'pdftoppm', debianPackage: 'poppler-utils' };
export const CHROMIUM: SystemTool = { binary: 'chromium', debianPackage: 'chromium' };
/** javac and java, for the Java example's test (test/examples). */
export const JDK: SystemTool = { binary: 'javac', debianPackage: 'openjdk-17-jdk-headless' };

/** Whether `binary` is on the PATH. */
export function hasBinary(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

function aptGet(args: string[]): boolean {
  const run = spawnSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 20 * 60_000,
  });
  return run.status === 0;
}

/** Installs the tools that are missing; returns the packages installed. */
export function ensureSystemTools(tools: SystemTool[]): string[] {
  const missing = tools.filter((t) => !hasBinary(t.binary));
  if (missing.length === 0) return [];
  const packages = missing.map((t) => t.debianPackage);
  if (process.getuid?.() !== 0 || !hasBinary('apt-get')) {
    throw new Error(`missing ${missing.map((t) => t.binary).join(', ')}: install the Debian package(s) ${packages.join(' ')} (as root: apt-get install ${packages.join(' ')})`);
  }
  const install = ['install', '-y', '-q', '--no-install-recommends', ...packages];
  // A fresh machine may have no package lists yet: update once and retry.
  if (!aptGet(install) && !(aptGet(['update', '-q']) && aptGet(install))) {
    throw new Error(`apt-get could not install ${packages.join(' ')}`);
  }
  return packages;
}
