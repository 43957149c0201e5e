/**
 * Shared plumbing for the ATR workflow tests: one time-skipping server per test file,
 * a real worker per test (real activities, the test PostgreSQL), and the small helpers the tests share.
 */
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  deliveryStatusSignal,
  stateQuery,
  type AtrState,
  type DeliveryStatusSignal,
  type FeedbackSignal,
} from '../../../contracts/workflow';
import { createSmsGateway } from '../../../messaging/sms/gateway';
import { createCloudApi } from '../../../messaging/whatsapp/client';
import { createWhatsAppMessenger } from '../../../messaging/whatsapp/messenger';
import { buildSimulator, type Simulator } from '../../../tools/simulator/server';
import { closeTestPool, testPool } from '../../helpers/db';
import { createTimeSkippingEnv, runWithWorker, type WorkerContext, type WorkerOverrides } from '../../helpers/temporal';

export const HOUR = 3_600_000;

/** The servers one test file shares; read the fields inside tests, not at module load. */
export interface AtrTestBed {
  env: TestWorkflowEnvironment;
  /** Runs `body` while a real ATR worker serves a fresh task queue on this file's server. */
  withWorker<T>(body: (ctx: WorkerContext) => Promise<T>, overrides?: Omit<WorkerOverrides, 'connection'>): Promise<T>;
}

/**
 * The time-skipping server for one test file: started before its tests, closed after. With `perTest`, a fresh one for
 * each test instead: a "not satisfied" starts an escalation that outlives its ATR workflow by design, and its SLA timers
 * and pending tasks must not hold the next test's clock.
 */
export function useAtrTestBed(options: { perTest?: boolean } = {}): AtrTestBed {
  const bed = {
    withWorker: (body, overrides = {}) => runWithWorker({ connection: bed.env, ...overrides }, body),
  } as AtrTestBed;
  const start = async () => {
    bed.env = await createTimeSkippingEnv();
  };
  const stop = async () => {
    await bed.env?.teardown().catch(() => undefined);
  };
  if (options.perTest) {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }
  afterAll(closeTestPool);
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

/** The messages to the citizen a workflow handed to the outbox, oldest first (its escalation's alerts to officers are not). */
export async function outbox(workflowId: string) {
  const { rows } = await testPool().query<{ purpose: string; body: { text: string } }>(
    "SELECT purpose, body FROM outbound_messages WHERE workflow_id = $1 AND purpose <> 'OFFICER_ALERT' ORDER BY created_at",
    [workflowId],
  );
  return rows;
}

/** The messages to the citizen a workflow handed to the outbox, with their message ids, oldest first. */
export async function outboxIds(workflowId: string) {
  const { rows } = await testPool().query<{ purpose: string; message_id: string }>(
    "SELECT purpose, message_id FROM outbound_messages WHERE workflow_id = $1 AND purpose <> 'OFFICER_ALERT' ORDER BY created_at",
    [workflowId],
  );
  return rows.map((r) => ({ purpose: r.purpose, messageId: r.message_id }));
}

/** When (the server's clock, epoch ms) the workflow scheduled each run of an activity: its history is the witness. */
export async function scheduledAt(handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> }, activity: string): Promise<number[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? [])
    .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity)
    .map((e) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6));
}

/** Polls the state query until `pick` gives a value (in real time: the server's clock does not move meanwhile). */
export async function untilState<T>(handle: { query: (q: typeof stateQuery) => Promise<AtrState> }, pick: (s: AtrState) => T | undefined): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = pick(await handle.query(stateQuery));
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the workflow state never got there');
}

/**
 * Runs `body` with a worker whose messages go to the simulator over real HTTP (WhatsApp Cloud API, and the SMS
 * gateway when `sms` is set): the simulator's fault rules then answer our sends as Meta would.
 */
export async function withSimulatedChannels<T>(bed: AtrTestBed, body: (ctx: WorkerContext & { sim: Simulator }) => Promise<T>, opts: { sms?: boolean } = {}): Promise<T> {
  const credentials = { appSecret: 's', accessToken: 'sim-token', phoneNumberId: '100000000000001' };
  const sim = await buildSimulator(credentials);
  const simUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const api = createCloudApi({ baseUrl: simUrl, version: 'v25.0', phoneNumberId: credentials.phoneNumberId, accessToken: credentials.accessToken, timeoutMs: 5_000 });
    return await bed.withWorker((ctx) => body({ ...ctx, sim }), {
      messenger: createWhatsAppMessenger({ pool: testPool(), api, pacing: { minIntervalMs: 0, maxWaitMs: 5_000 } }),
      ...(opts.sms ? { sms: createSmsGateway({ url: `${simUrl}/sms`, token: credentials.accessToken, sender: 'RJSMPK', timeoutMs: 5_000 }) } : {}),
    });
  } finally {
    await sim.close();
  }
}
