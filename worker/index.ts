/**
 * The workers of one process: the ATR workflow with its activities on the main task queue, and the
 * activities that message citizens on their own queue, where a queue-wide rate limit keeps the whole
 * deployment under WhatsApp's throughput (80 messages/s by default) however many workers run.
 * createActivityDeps wires the real adapters; tests pass their own where a party is simulated.
 */
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities, type ActivityDeps } from '../activities';
import { createEscalationActivities, type EscalationActivityDeps } from '../activities/escalation';
import { createPurgeActivities, type PurgeDeps } from '../activities/purge';
import { createTransparencyActivities, type TransparencyDeps } from '../activities/transparency';
import type { Messenger, SmsSender, Store } from '../activities/ports';
import type { Config } from '../config';
import { messagingTaskQueue } from '../contracts/workflow';
import { createChannelBreakerRepository } from '../db/repositories/channel-breakers';
import { createClosureRepository } from '../db/repositories/closures';
import { createEscalationRepository } from '../db/repositories/escalations';
import { createPortalEventRepository } from '../db/repositories/portal-events';
import { createOutboundMessageRepository } from '../db/repositories/outbound-messages';
import { createWebhookInboxRepository } from '../db/repositories/webhook-inbox';
import { createOfficerRepository } from '../db/repositories/officers';
import type { Logger } from '../lib/log';
import { createOutboxMessenger } from '../messaging/outbox';
import { createAtrRenderer } from '../pdf/atr/render';
import { createRuntimeMetrics } from './metrics';
import { AtrSealer } from '../pdf/seal';
import { createSmsGateway } from '../messaging/sms/gateway';
import { createCloudApi } from '../messaging/whatsapp/client';
import { createWhatsAppMessenger } from '../messaging/whatsapp/messenger';

/** The Store port on PostgreSQL: the repositories that own its tables, side by side. */
export function createStore(pool: Pool): Store {
  const { recordSmsSend, smsLinkSentFor } = createOutboundMessageRepository(pool);
  const { lastInboundAt } = createWebhookInboxRepository(pool);
  return { ...createClosureRepository(pool), ...createEscalationRepository(pool), ...createPortalEventRepository(pool), recordSmsSend, smsLinkSentFor, lastInboundAt };
}

/** The messenger the configuration asks for. */
export function createMessenger(config: Readonly<Config>, pool: Pool): Messenger {
  const wa = config.whatsapp;
  if (wa.mode === 'outbox') return createOutboxMessenger(pool);
  const api = createCloudApi({ baseUrl: wa.apiUrl, version: wa.apiVersion, phoneNumberId: wa.phoneNumberId, accessToken: wa.accessToken, timeoutMs: wa.timeoutMs });
  // Wait out the pair-rate gap in the activity only briefly; longer waits go back to Temporal's retry.
  return createWhatsAppMessenger({ pool, api, pacing: { minIntervalMs: wa.pairIntervalMs, maxWaitMs: 20_000 } });
}

/** The SMS sender the configuration asks for, if any. */
export function createSmsSender(config: Readonly<Config>): SmsSender | undefined {
  const { mode, gatewayUrl, token, senderId, timeoutMs } = config.sms;
  return mode === 'off' ? undefined : createSmsGateway({ url: gatewayUrl, token, sender: senderId, timeoutMs });
}

/** The activities' log port over the process logger. */
export function activityLog(log: Logger): ActivityDeps['log'] {
  return {
    info: (fields, msg) => log.info(fields, msg),
    warn: (fields, msg) => log.warn(fields, msg),
    error: (fields, msg) => log.error(fields, msg),
  };
}

/** The real adapters behind the activity ports. */
export function createActivityDeps(config: Readonly<Config>, pool: Pool, log: Logger): ActivityDeps {
  return {
    store: createStore(pool),
    messenger: createMessenger(config, pool),
    renderer: createAtrRenderer(),
    log: activityLog(log),
    metrics: createRuntimeMetrics(),
    defaultPolicy: config.defaultPolicy,
    sealer: new AtrSealer(config.sealKeys),
    publicBaseUrl: config.publicBaseUrl,
    sms: createSmsSender(config),
    breakers: createChannelBreakerRepository(pool, config.temporal.taskQueue),
    atrLinkTtlHours: config.atrLinkTtlHours,
  };
}

/** The escalation ladder's activities over the repositories and the activities' own messenger and log. */
export function createEscalationDeps(pool: Pool, deps: Pick<ActivityDeps, 'messenger' | 'log'>): EscalationActivityDeps {
  return {
    ladder: createEscalationRepository(pool),
    officers: createOfficerRepository(pool),
    closures: createClosureRepository(pool),
    messenger: deps.messenger,
    log: deps.log,
  };
}

/** What the workers need. */
export interface AtrWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Messages per second across every worker of the messaging queue (enforced by the Temporal server). */
  messagesPerSecond: number;
  /** Encrypts every payload (codec/). */
  dataConverter: DataConverter;
  /** A prebuilt bundle (tests build it once); by default the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'>;
  /** The daily purge's activities, on the main queue (worker/purge.ts); without it this worker runs none. */
  purge?: PurgeDeps;
  /** The escalation ladder's activities (worker/index.ts createEscalationDeps); without them escalations wait for a worker that has them. */
  escalation?: EscalationActivityDeps;
  /** The transparency rollup's refresh activity, on the main queue (worker/transparency.ts); without it this worker runs none. */
  transparency?: TransparencyDeps;
}

/** The two workers of one process, run and stopped together. */
export class AtrWorkers {
  constructor(
    readonly main: Worker,
    readonly messaging: Worker,
  ) {}

  /** Runs both until shutdown() (or until one fails, which stops the other). */
  async run(): Promise<void> {
    const runs = [this.main.run(), this.messaging.run()];
    try {
      await Promise.race(runs);
    } finally {
      this.shutdown();
      await Promise.allSettled(runs);
    }
    await Promise.all(runs);
  }

  /** Runs both while `body` runs, then drains them. */
  async runUntil<T>(body: Promise<T>): Promise<T> {
    const [result] = await Promise.all([this.main.runUntil(body), this.messaging.runUntil(body)]);
    return result;
  }

  /** Starts draining both (in-flight activities get the grace time). */
  shutdown(): void {
    for (const w of [this.main, this.messaging]) if (w.getState() === 'RUNNING') w.shutdown();
  }
}

/** Creates the workers for a task queue. */
export async function createAtrWorkers({ connection, namespace, taskQueue, deps, messagesPerSecond, dataConverter, workflowBundle, tuning, purge, escalation, transparency }: AtrWorkerOptions): Promise<AtrWorkers> {
  const activities = createActivities(deps);
  // Workflows started before the messaging queue existed still schedule their sends here: keep every activity on both.
  const main = await Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: {
      ...activities,
      ...(purge ? createPurgeActivities(purge) : {}),
      ...(escalation ? createEscalationActivities(escalation) : {}),
      ...(transparency ? createTransparencyActivities(transparency) : {}),
    },
    dataConverter,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    // Let in-flight activities (a send, an insert) finish on Ctrl-C or a deploy.
    shutdownGraceTime: '20s',
    ...tuning,
  });
  const messaging = await Worker.create({
    connection,
    namespace,
    taskQueue: messagingTaskQueue(taskQueue),
    activities,
    dataConverter,
    maxTaskQueueActivitiesPerSecond: messagesPerSecond,
    // Sends mostly wait on the network or on a number's 6-second gap: many may be in flight.
    maxConcurrentActivityTaskExecutions: 200,
    shutdownGraceTime: '20s',
  });
  return new AtrWorkers(main, messaging);
}
