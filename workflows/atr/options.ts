/**
 * Every activity option and retry policy of the ATR workflow, in one place, with the proxies built on them.
 * Each duration is named with the reason it has that value.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { AtrActivities } from '../../contracts/activities';
import { FAILURES, messagingTaskQueue } from '../../contracts/workflow';

/** A Postgres call slower than this is stuck (a lock, a dead connection): abandon it and retry. */
const DB_CALL_TIMEOUT = '30s';
/** Retry a database call after a second: a dropped connection or a failover is usually back by then. */
const DB_FIRST_RETRY = '1s';
/** Back off to a minute, no further: an outage ends and the closure should move within a minute of it. */
const DB_MAX_BACKOFF = '1m';

/** Rendering is CPU work plus one insert; one that takes minutes is stuck. */
const RENDER_TIMEOUT = '2m';
/** Rendering is heavier than a query: start retrying a little slower than the database. */
const RENDER_FIRST_RETRY = '2s';
/** Back off to a minute: a stuck renderer on one worker should not hold the ATR for long once another is free. */
const RENDER_MAX_BACKOFF = '1m';

/** One channel request (WhatsApp Cloud API, the SMS gateway) answers in seconds; a minute means it hangs. */
const SEND_TIMEOUT = '1m';
/** Start retrying a send after five seconds: a throttled channel (HTTP 429) wants a pause. */
const SEND_FIRST_RETRY = '5s';
/** During a channel outage try every ten minutes, so ops see the retries and the ATR goes soon after. */
const SEND_MAX_BACKOFF = '10m';
/**
 * A reminder, acknowledgement or dialogue prompt that cannot go out within two hours is stale. The workflow
 * schedules each one only once quiet hours are over, so the two hours count from when it may go.
 */
const COURTESY_DEADLINE = '2h';

/** Postgres calls: retried without limit (an outage must not lose a closure). A missing closure ends it. */
export const STORE_OPTIONS: ActivityOptions = {
  startToCloseTimeout: DB_CALL_TIMEOUT,
  retry: { initialInterval: DB_FIRST_RETRY, backoffCoefficient: 2, maximumInterval: DB_MAX_BACKOFF, nonRetryableErrorTypes: [FAILURES.invalidClosure] },
};

/** Rendering the ATR: retried without limit; a missing closure ends it. */
export const RENDER_OPTIONS: ActivityOptions = {
  startToCloseTimeout: RENDER_TIMEOUT,
  retry: { initialInterval: RENDER_FIRST_RETRY, backoffCoefficient: 2, maximumInterval: RENDER_MAX_BACKOFF, nonRetryableErrorTypes: [FAILURES.invalidClosure] },
};

/**
 * The ATR itself and the SMS fallback: transient faults are retried here (quiet hours too: QuietHours carries the
 * delay until they end). What retrying cannot fix comes back to the workflow at once: a citizen no channel can
 * reach, a channel not configured, and a fault on our side, which the workflow holds (delivery.ts) and retries
 * on its own clock, visibly, instead of inside an activity's backoff.
 */
export const DELIVERY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: SEND_TIMEOUT,
  retry: {
    initialInterval: SEND_FIRST_RETRY,
    backoffCoefficient: 2,
    maximumInterval: SEND_MAX_BACKOFF,
    nonRetryableErrorTypes: [FAILURES.invalidClosure, FAILURES.undeliverable, FAILURES.deliveryBlocked, FAILURES.channelNotConfigured],
  },
};

/** Reminders, acknowledgements, the not-satisfied dialogue: like the ATR, but given up once stale. */
export const COURTESY_OPTIONS: ActivityOptions = { ...DELIVERY_OPTIONS, scheduleToCloseTimeout: COURTESY_DEADLINE };

/** The system of record, and the portal's event outbox (events reach the portal from there, never from a workflow). */
export const store = proxyActivities<AtrActivities>(STORE_OPTIONS);
/** The ATR renderer. */
export const renderer = proxyActivities<AtrActivities>(RENDER_OPTIONS);

/** The activities that message the citizen. */
export interface Messaging {
  /** The ATR, its resends and the SMS fallback. */
  delivery: AtrActivities;
  /** Reminders, acknowledgements and the dialogue prompts. */
  courtesy: AtrActivities;
}

/**
 * Messages go from their own task queue next to the workflow's, where a queue-wide rate limit keeps
 * within WhatsApp's throughput. Call from inside the workflow (it needs the workflow's task queue).
 */
export function messagingOn(workflowTaskQueue: string): Messaging {
  const taskQueue = messagingTaskQueue(workflowTaskQueue);
  return {
    delivery: proxyActivities<AtrActivities>({ ...DELIVERY_OPTIONS, taskQueue }),
    courtesy: proxyActivities<AtrActivities>({ ...COURTESY_OPTIONS, taskQueue }),
  };
}
