/** Migrations on a database made and dropped by this test. */
import { Client } from 'pg';
import { ensureDatabase, migrate } from '../../db/migrate';
import { createPool } from '../../db/pool';
import { testDatabaseUrl } from '../helpers/db';

describe('migrations', () => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/sampark_atr_migrate_${Date.now().toString(36)}`;

  afterAll(async () => {
    const admin = new URL(url);
    admin.pathname = '/postgres';
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
    await client.end();
  });

  test('creates a missing database, applies every migration once, and records them', async () => {
    await ensureDatabase(url.toString());
    await ensureDatabase(url.toString()); // already there: harmless
    const pool = createPool(url.toString());
    try {
      expect(await migrate(pool)).toEqual(['0001_initial', '0002_atr_seal', '0003_whatsapp', '0004_ambiguous_sends', '0005_channel_breakers', '0006_closure_intake', '0007_retention', '0008_atr_link_nonces', '0009_idempotency_keys', '0010_portal_events', '0011_citizen_words', '0012_escalation_ladder', '0013_officer_accounts', '0014_transparency', '0015_vigilance_and_reasons']);
      expect(await migrate(pool)).toEqual([]);
      const { rows } = await pool.query("SELECT to_regclass('public.escalations') IS NOT NULL AS ok");
      expect(rows[0].ok).toBe(true);
    } finally {
      await pool.end();
    }
  });

  test('lets concurrent starts migrate without conflict', async () => {
    const pools = [createPool(url.toString()), createPool(url.toString())];
    try {
      const results = await Promise.all(pools.map((p) => migrate(p)));
      expect(results.flat()).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  test('refuses a database name that is not a plain identifier', async () => {
    await expect(ensureDatabase('postgres://postgres@127.0.0.1:5432/x";drop')).rejects.toThrow(/unsupported database/);
  });
});
