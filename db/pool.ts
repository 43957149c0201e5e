/** PostgreSQL connections: one pool per process, with timeouts so a stuck database fails fast and is retried. */
import { Pool, type PoolConfig } from 'pg';

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
