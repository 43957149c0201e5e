/**
 * Send activities against the WhatsApp and SMS simulator over real HTTP, with real PostgreSQL: the activities
 * as the worker builds them, a breaker namespace of their own (a fresh task queue), and the simulator's record
 * of every request it got.
 */
import { randomUUID } from 'node:crypto';
import { createActivities, type ActivityDeps } from '../../activities';
import type { MetricName } from '../../activities/ports';
import { ClosureSchema, type ClosureRequest } from '../../contracts/closure';
import { atrWorkflowId } from '../../contracts/workflow';
import { createChannelBreakerRepository } from '../../db/repositories/channel-breakers';
import { createSmsGateway } from '../../messaging/sms/gateway';
import { createCloudApi } from '../../messaging/whatsapp/client';
import { createWhatsAppMessenger } from '../../messaging/whatsapp/messenger';
import { buildSimulator, type Simulator } from '../../tools/simulator/server';
import { closeTestPool, testPool } from './db';
import { makeClosure } from './fixtures';
import { testActivityDeps } from './temporal';
import { uniqueMobile } from './whatsapp';

const CRED = { appSecret: 's', accessToken: 'sends-test-token', phoneNumberId: '100000000000001' };

/** The simulator for one test file. */
export interface SendsSim {
  sim: Simulator;
  url: string;
  /** Replaces the simulator's fault rules (an empty list clears them). */
  faults(rules: unknown[]): Promise<void>;
  /** Every Cloud API send request the simulator got for this number, accepted or refused. */
  requests(to: string): Promise<{ wamid?: string }[]>;
}

/** Starts the simulator (without the pair-rate limit: tests send fast). */
export async function startSendsSim(): Promise<SendsSim> {
  const sim = await buildSimulator({ ...CRED, pairRate: false });
  const url = await sim.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    sim,
    url,
    async faults(rules) {
      await fetch(`${url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules }) });
    },
    requests: async (to) => (await (await fetch(`${url}/_sim/messages?to=${encodeURIComponent(to)}`)).json()) as { wamid?: string }[],
  };
}

/** The simulator for this file's send tests: started before them, its faults cleared after each, closed after all. */
export function useSendsSim(): { readonly current: SendsSim } {
  const holder = {} as { current: SendsSim };
  beforeAll(async () => {
    holder.current = await startSendsSim();
  });
  afterAll(async () => {
    await holder.current?.sim.close();
    await closeTestPool();
  });
  afterEach(() => holder.current.faults([]));
  return holder;
}

/** Counts what the activities count. */
export function countingMetrics() {
  const counted: { name: MetricName; labels: Record<string, string> }[] = [];
  return { counted, increment: (name: MetricName, labels: Record<string, string> = {}) => void counted.push({ name, labels }) };
}

/** Activities that send through the simulator, with breakers of their own. */
export function sendActivities(s: SendsSim, overrides: Partial<ActivityDeps> = {}) {
  const pool = testPool();
  const taskQueue = `sends-${randomUUID()}`;
  const api = createCloudApi({ baseUrl: s.url, version: 'v25.0', phoneNumberId: CRED.phoneNumberId, accessToken: CRED.accessToken, timeoutMs: 2_000 });
  const breakers = createChannelBreakerRepository(pool, taskQueue);
  const deps = testActivityDeps(pool, taskQueue, {
    breakers,
    messenger: createWhatsAppMessenger({ pool, api, pacing: { minIntervalMs: 0, maxWaitMs: 1_000 } }),
    sms: createSmsGateway({ url: `${s.url}/sms`, token: CRED.accessToken, sender: 'RJSMPK', timeoutMs: 2_000 }),
    ...overrides,
  });
  return { acts: createActivities(deps), breakers, taskQueue, deps };
}

/** Records a closure for a fresh number (quiet hours off unless overridden); returns its workflow id and number. */
export async function recordedClosure(acts: ReturnType<typeof createActivities>, over: Partial<ClosureRequest> = {}) {
  const phone = uniqueMobile();
  const closure = ClosureSchema.parse(makeClosure({ feedbackPolicy: { quietHours: null }, citizen: { name: 'Asha Verma', phone, language: 'en' }, ...over }));
  const workflowId = atrWorkflowId(closure.grievanceId, closure.cycle);
  await acts.recordClosure({ workflowId, closure });
  return { workflowId, phone: closure.citizen.phone };
}

/** The failure a promise ends with. */
export async function failureOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
}
