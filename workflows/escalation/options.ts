/**
 * Every activity option of the escalation workflow, each duration with its reason. The ladder's own clocks (the
 * SLAs) come from the escalation's input; these are only how long one call may take and how it is retried.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { EscalationActivities } from '../../contracts/escalation-activities';
import { FAILURES } from '../../contracts/faults';

/** A read-model write is a short transaction; longer means PostgreSQL is unwell. */
const DB_CALL_TIMEOUT = '30s';
/** Retry soon: a failover or a restart is over in seconds. */
const DB_FIRST_RETRY = '1s';
/** Then settle at a minute: PostgreSQL may be down for a while, and the ladder must catch up when it is back. */
const DB_MAX_BACKOFF = '1m';
/** One WhatsApp send including the pair-rate wait (up to 20 s) and Meta's answer. */
const SEND_TIMEOUT = '1m';
/** Meta's rate limits clear in seconds. */
const SEND_FIRST_RETRY = '5s';
/** A fault on our side (an expired token, a paused template) is fixed by people: keep trying at a gentle pace. */
const SEND_MAX_BACKOFF = '10m';
/**
 * An officer's alert is worth less once the next step of the ladder is near: give up after a day (the inbox and
 * the portal's events still show the case) rather than hold the ladder's history open.
 */
const ALERT_DEADLINE = '24h';
/** An officer waits on the inbox for the question to go: a few minutes, then the update fails and says so. */
const QUESTION_DEADLINE = '5m';

/** Read-model writes (and their portal events): retried until PostgreSQL answers; the ladder never skips one. */
export const RECORD_OPTIONS: ActivityOptions = {
  startToCloseTimeout: DB_CALL_TIMEOUT,
  retry: { initialInterval: DB_FIRST_RETRY, maximumInterval: DB_MAX_BACKOFF, backoffCoefficient: 2 },
};

/** Officers' WhatsApp alerts. */
export const ALERT_OPTIONS: ActivityOptions = {
  startToCloseTimeout: SEND_TIMEOUT,
  scheduleToCloseTimeout: ALERT_DEADLINE,
  retry: { initialInterval: SEND_FIRST_RETRY, maximumInterval: SEND_MAX_BACKOFF, backoffCoefficient: 2, nonRetryableErrorTypes: [FAILURES.undeliverable] },
};

/** An officer's question to the citizen, while the officer waits for the answer to their update. */
export const QUESTION_OPTIONS: ActivityOptions = {
  startToCloseTimeout: SEND_TIMEOUT,
  scheduleToCloseTimeout: QUESTION_DEADLINE,
  retry: { initialInterval: SEND_FIRST_RETRY, maximumInterval: SEND_FIRST_RETRY, backoffCoefficient: 1, nonRetryableErrorTypes: [FAILURES.undeliverable] },
};

/** Writes to the read model and the portal's outbox. */
export const ladderStore = proxyActivities<EscalationActivities>(RECORD_OPTIONS);
/** Officers' alerts. */
export const alerts = proxyActivities<EscalationActivities>(ALERT_OPTIONS);
/** Questions to the citizen. */
export const questions = proxyActivities<EscalationActivities>(QUESTION_OPTIONS);
