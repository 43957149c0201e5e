/**
 * Shared plumbing for the ATR workflow tests: one time-skipping server and one fake portal per test file,
 * a real worker per test (real activities, the test PostgreSQL), and the small helpers the tests share.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  deliveryStatusSignal,
  stateQuery,
  type AtrState,
  type DeliveryStatusSignal,
  type FeedbackSignal,
} from '../../../contracts/workflow';
import { closeTestPool, testPool } from '../../helpers/db';
import { startFakePortal, type FakePortal } from '../../helpers/portal';
import { createTimeSkippingEnv, runWithWorker, type WorkerContext, type WorkerOverrides } from '../../helpers/temporal';

export const HOUR = 3_600_000;

/** The servers one test file shares; read the fields inside tests, not at module load. */
export interface AtrTestBed {
  env: TestWorkflowEnvironment;
  /** Answers 200 to every reopen callback. */
  portal: FakePortal;
  /** Runs `body` while a real ATR worker serves a fresh task queue on this file's server. */
  withWorker<T>(body: (ctx: WorkerContext) => Promise<T>, overrides?: Omit<WorkerOverrides, 'connection'>): Promise<T>;
}

/** The time-skipping server and fake portal for one test file: started before its tests, closed after. */
export function useAtrTestBed(): AtrTestBed {
  const bed = {
    withWorker: (body, overrides = {}) => runWithWorker({ connection: bed.env, portalUrl: bed.portal.url, ...overrides }, body),
  } as AtrTestBed;
  beforeAll(async () => {
    bed.env = await createTimeSkippingEnv();
    bed.portal = await startFakePortal([200]);
  });
  afterAll(async () => {
    await bed.env?.teardown();
    await bed.portal?.close();
    await closeTestPool();
  });
  return bed;
}

/** A feedback from the helpline (unless overridden), with a fresh message id. */
export function feedback(rating: FeedbackSignal['rating'], extra: Partial<FeedbackSignal> = {}): FeedbackSignal {
  return { messageId: `wamid.${Math.random().toString(36).slice(2)}`, rating, channel: 'helpline', receivedAt: new Date().toISOString(), ...extra };
}

/** Reports the ATR delivered, as WhatsApp's status webhook (through the relay) would. */
export async function markDelivered(handle: {
  query: (q: typeof stateQuery) => Promise<AtrState>;
  signal: (s: typeof deliveryStatusSignal, a: DeliveryStatusSignal) => Promise<void>;
}): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { delivery } = await handle.query(stateQuery);
    if (delivery.messageId) return handle.signal(deliveryStatusSignal, { messageId: delivery.messageId, status: 'DELIVERED', at: new Date().toISOString() });
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the ATR was never sent');
}

/** The messages a workflow handed to the outbox, oldest first. */
export async function outbox(workflowId: string) {
  const { rows } = await testPool().query<{ purpose: string; body: { text: string } }>(
    'SELECT purpose, body FROM outbound_messages WHERE workflow_id = $1 ORDER BY created_at',
    [workflowId],
  );
  return rows;
}
