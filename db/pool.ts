/** PostgreSQL connections: one pool per process, with timeouts so a stuck database fails fast and is retried. */
import { Pool, type PoolClient, type PoolConfig } from 'pg';

/** Creates a pool. Statement and connect timeouts turn a hung database into a retryable error. */
export function createPool(url: string, overrides: PoolConfig = {}): Pool {
  const pool = new Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
    query_timeout: 20_000,
    application_name: 'sampark-atr',
    ...overrides,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `work` in one transaction on a client of the pool: all of it commits, or none of it (then the error is thrown on). */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
