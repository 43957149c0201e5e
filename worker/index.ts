/**
 * The worker: runs the ATR workflow and its activities on one task queue.
 * createActivityDeps wires the real adapters; tests pass their own where a party is simulated.
 */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities, type ActivityDeps } from '../activities';
import type { Config } from '../config';
import { createPgStore } from '../db/store';
import type { Logger } from '../lib/log';
import { createOutboxMessenger } from '../messaging/outbox';
import { createAtrRenderer } from '../pdf/atr/render';
import { AtrSealer } from '../pdf/seal';
import { createPortalNotifier } from '../portal/callback';

/** The real adapters behind the activity ports. */
export function createActivityDeps(config: Readonly<Config>, pool: Pool, log: Logger): ActivityDeps {
  return {
    store: createPgStore(pool),
    messenger: createOutboxMessenger(pool),
    renderer: createAtrRenderer(),
    portal: createPortalNotifier({ url: config.portal.callbackUrl, token: config.portal.callbackToken, timeoutMs: config.portal.timeoutMs }),
    log: {
      info: (fields, msg) => log.info(fields, msg),
      warn: (fields, msg) => log.warn(fields, msg),
      error: (fields, msg) => log.error(fields, msg),
    },
    defaultPolicy: config.defaultPolicy,
    sealer: new AtrSealer(config.sealKeys),
    publicBaseUrl: config.publicBaseUrl,
  };
}

/** What a worker needs. */
export interface AtrWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build it once); by default the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'>;
}

/** Creates the ATR worker. */
export async function createAtrWorker({ connection, namespace, taskQueue, deps, workflowBundle, tuning }: AtrWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createActivities(deps),
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    // Let in-flight activities (a send, an insert) finish on Ctrl-C or a deploy.
    shutdownGraceTime: '20s',
    ...tuning,
  });
}
