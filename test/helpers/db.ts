/** The run's test database (made and dropped by global-setup), one pool per test file. */
import type { Pool } from 'pg';
import { fingerprintClosure } from '../../client/fingerprint';
import type { Closure } from '../../contracts/closure';
import { atrWorkflowId } from '../../contracts/workflow';
import { ensureDatabase, migrate } from '../../db/migrate';
import { createPool } from '../../db/pool';
import { createIdempotencyKeyRepository, type IdempotencyKeyRepository } from '../../db/repositories/idempotency-keys';
import { createClosureIntakeRepository, type ClosureIntakeRepository } from '../../db/repositories/closure-intake';

let pool: Pool | undefined;
/** Set by useOwnDatabase for the file that called it (Jest gives each test file its own module registry). */
let ownUrl: string | undefined;

/** The test database's URL: the run's, or this file's own. */
export function testDatabaseUrl(): string {
  if (ownUrl) return ownUrl;
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest (global-setup makes the database)');
  return url;
}

/** A pool on the test database, shared within a test file. */
export function testPool(): Pool {
  pool ??= createPool(testDatabaseUrl(), { max: 5 });
  return pool;
}

/**
 * Gives this test file a database of its own, migrated, from beforeAll on. For suites that look at what the webhook
 * relay does with inbox rows: a relay takes any pending row, so another file's relay running alongside on the same
 * database would take this file's rows. The global teardown drops it with the run's database.
 */
export function useOwnDatabase(): void {
  beforeAll(async () => {
    const url = new URL(testDatabaseUrl());
    url.pathname += `_own_${process.pid}_${Date.now().toString(36)}`;
    await ensureDatabase(url.toString());
    const migrator = createPool(url.toString(), { max: 1 });
    await migrate(migrator);
    await migrator.end();
    ownUrl = url.toString();
  });
}

/** Closes the file's pool (call in afterAll). */
export async function closeTestPool(): Promise<void> {
  await pool?.end();
  pool = undefined;
}

/** The closure intake on the test database, as the API and the CLI wire it into AtrClient. */
export function testIntake(): ClosureIntakeRepository {
  return createClosureIntakeRepository(testPool());
}

/** The idempotency keys on the test database, as the API wires them. */
export function testIdempotency(): IdempotencyKeyRepository {
  return createIdempotencyKeyRepository(testPool());
}

/**
 * Records a validated closure in the intake as taken and started, as a first posting long ago left it: its
 * workflow has since gone with Temporal's retention (Temporal never saw it here). Returns its workflow id.
 */
export async function takenLongAgo(closure: Closure): Promise<string> {
  const workflowId = atrWorkflowId(closure.grievanceId, closure.cycle);
  const { contentSha256, fieldDigests } = fingerprintClosure(closure);
  await testIntake().admit({ grievanceId: closure.grievanceId, cycle: closure.cycle, workflowId, atrId: closure.atrNumber ?? workflowId, contentSha256, fieldDigests });
  await testIntake().markStarted(closure.grievanceId, closure.cycle);
  return workflowId;
}
