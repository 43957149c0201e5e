/** The run's test database (made and dropped by global-setup), one pool per test file. */
import type { Pool } from 'pg';
import { fingerprintClosure } from '../../client/fingerprint';
import type { Closure } from '../../contracts/closure';
import { atrWorkflowId } from '../../contracts/workflow';
import { createPool } from '../../db/pool';
import { createClosureIntakeRepository, type ClosureIntakeRepository } from '../../db/repositories/closure-intake';

let pool: Pool | undefined;

/** The test database's URL. */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest (global-setup makes the database)');
  return url;
}

/** A pool on the test database, shared within a test file. */
export function testPool(): Pool {
  pool ??= createPool(testDatabaseUrl(), { max: 5 });
  return pool;
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
