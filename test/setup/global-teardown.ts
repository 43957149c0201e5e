/** Stops the dev server and drops the test database made by global-setup. */
import { rmSync } from 'node:fs';
import { Client } from 'pg';
import type { DevServer } from '../../tools/scripts/dev-server';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__samparkTest as
    | { devServer: DevServer; databaseUrl: string; bundlePath: string }
    | undefined;
  if (!state) return;
  await state.devServer.stop();
  rmSync(state.bundlePath, { force: true });
  const admin = new URL(state.databaseUrl);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    // The databases of files that asked for their own (useOwnDatabase).
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [`${name}_own_`]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
