/**
 * Once per test run: a fresh PostgreSQL database (migrated), a headless Temporal dev server in memory,
 * and the workflow bundle built once. Test files find them through environment variables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../../codec/data-converter';
import { ensureDatabase, migrate } from '../../db/migrate';
import { createPool } from '../../db/pool';
import { startDevServer } from '../../tools/scripts/dev-server';
import { requireTemporalCli, requireTestServer } from '../../tools/install/temporal-binaries';
import { PROJECT_ROOT } from '../../lib/paths';
import { freePort } from '../../tools/scripts/local-stack';

export { freePort };

export default async function globalSetup(): Promise<void> {
  const cli = requireTemporalCli();
  process.env.TEMPORAL_TEST_SERVER_PATH ??= requireTestServer().path;

  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/sampark_atr_test_${process.pid}_${Date.now().toString(36)}`;
  const databaseUrl = base.toString();
  await ensureDatabase(databaseUrl);
  const pool = createPool(databaseUrl);
  await migrate(pool);
  await pool.end();
  process.env.TEST_DATABASE_URL = databaseUrl;

  const devServer = await startDevServer({ cliPath: cli.path, port: await freePort(), logLevel: 'error' });
  process.env.TEST_TEMPORAL_ADDRESS = devServer.address;

  const artifacts = path.join(PROJECT_ROOT, 'test', '.artifacts');
  mkdirSync(artifacts, { recursive: true });
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietLogger });
  const bundlePath = path.join(artifacts, `workflow-bundle-${process.pid}.js`);
  writeFileSync(bundlePath, bundle.code);
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;

  (globalThis as Record<string, unknown>).__samparkTest = { devServer, databaseUrl, bundlePath };
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
