/**
 * What stands between a send activity and a channel: quiet hours (no message to a citizen at night, on any
 * attempt), the channel's circuit breaker (no call to Meta or the gateway while a fault on our side lasts, one
 * probe now and then), and the translation of a channel's refusal, by whose fault it is, into the failure the
 * workflow acts on: the citizen's (Undeliverable), transient (retried), or ours (DeliveryBlocked).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Closure } from '../contracts/closure';
import { nextSendableTime } from '../contracts/quiet-hours';
import { FAILURES, type Channel, type DeliveryBlock, type FeedbackPolicy } from '../contracts/workflow';
import { effectivePolicy } from '../config/policy';
import { ChannelFault } from '../messaging/faults';
import type { ChannelBreakers, Log, Metrics, Store } from './ports';

/**
 * How often an open breaker lets one real send through. The workflow tries a blocked send again every minute,
 * so once the cause is fixed the next probe falls due within this interval, the first send after it (within a
 * minute) probes and closes the breaker, and every other closure's next try (within that same minute, or
 * waiting on the probe) goes through: all resume within 30 s + 60 s, inside the promised 2 minutes.
 */
export const BREAKER_PROBE_INTERVAL_MS = 30_000;
/** A send that finds another worker's probe under way waits this long for its outcome (a Cloud API call times out at 15 s). */
export const PROBE_OUTCOME_WAIT_MS = 20_000;
/** How often a waiting send looks at the probe's outcome. */
const PROBE_POLL_MS = 250;

/** What the guard needs. */
export interface SendGuardDeps {
  store: Pick<Store, 'getDepartmentPolicy'>;
  breakers: ChannelBreakers;
  metrics: Metrics;
  log: Log;
  defaultPolicy: FeedbackPolicy;
}

/**
 * Now, as the activity's attempt sees it: the server's time of scheduling this attempt when it is later than
 * this machine's clock (a time-skipping test server), else the machine's clock.
 */
function activityNow(): number {
  let scheduled = 0;
  try {
    scheduled = Context.current().info.currentAttemptScheduledTimestampMs;
  } catch {
    // called outside an activity (a script, a test calling the function): the machine's clock
  }
  return Math.max(Date.now(), scheduled);
}

/** The failure that holds a closure: non-retryable, with the block as its first detail. */
export function deliveryBlockedFailure(block: DeliveryBlock): ApplicationFailure {
  return ApplicationFailure.create({
    message: `delivery blocked by a fault on our side: ${block.code} (${block.reason})`,
    type: FAILURES.deliveryBlocked,
    nonRetryable: true,
    details: [block],
  });
}

/** Creates the guard. */
export function createSendGuard({ store, breakers, metrics, log, defaultPolicy }: SendGuardDeps) {
  /** The closure's effective policy: defaults, then its department's row, then its own overrides. */
  async function policyOf(closure: Closure, workflowId: string): Promise<FeedbackPolicy> {
    const { policy, departmentValid } = effectivePolicy(defaultPolicy, await store.getDepartmentPolicy(closure.department.code), closure.feedbackPolicy);
    if (!departmentValid) log.warn({ workflowId, departmentCode: closure.department.code }, 'department policy is invalid; using defaults');
    return policy;
  }

  /** Refuses during the closure's quiet hours: a retryable failure whose next retry falls when they end. */
  async function refuseInQuietHours(closure: Closure, workflowId: string): Promise<void> {
    const { quietHours } = await policyOf(closure, workflowId);
    const now = activityNow();
    const sendable = nextSendableTime(now, quietHours);
    if (sendable <= now) return;
    throw ApplicationFailure.create({
      message: `quiet hours (${quietHours!.start}-${quietHours!.end} IST): no message to the citizen before ${new Date(sendable).toISOString()}`,
      type: FAILURES.quietHours,
      nonRetryable: false,
      nextRetryDelay: sendable - now,
    });
  }

  function blocked(workflowId: string, block: DeliveryBlock): ApplicationFailure {
    metrics.increment('delivery_blocked', { channel: block.channel, code: block.code });
    log.warn({ workflowId, channel: block.channel, code: block.code }, 'send held: a fault on our side blocks the channel');
    return deliveryBlockedFailure(block);
  }

  const blockOf = (b: { channel: Channel; code: string; reason: string; openedAt: string }): DeliveryBlock => ({ channel: b.channel, code: b.code, reason: b.reason, since: b.openedAt });

  /** Another worker's probe is under way: its outcome, or the breaker as it stands when the wait ends. */
  async function awaitProbe(channel: Channel): Promise<DeliveryBlock | undefined> {
    const deadline = Date.now() + PROBE_OUTCOME_WAIT_MS;
    for (;;) {
      await new Promise((r) => setTimeout(r, PROBE_POLL_MS));
      const now = await breakers.get(channel, PROBE_OUTCOME_WAIT_MS);
      if (!now) return undefined;
      if (!now.probing || Date.now() >= deadline) return blockOf(now.breaker);
    }
  }

  /**
   * Runs one send on a channel behind its breaker, and turns a refusal into the failure the workflow acts on.
   * While the breaker is open nothing is sent; when its probe is due exactly one caller sends for real.
   */
  async function guarded<T>(channel: Channel, workflowId: string, send: () => Promise<T>): Promise<T> {
    const check = await breakers.check(channel, BREAKER_PROBE_INTERVAL_MS, PROBE_OUTCOME_WAIT_MS, activityNow());
    if (check.state === 'open') {
      const block = check.probing ? await awaitProbe(channel) : blockOf(check.breaker);
      if (block) throw blocked(workflowId, block);
    }
    const probe = check.state === 'probe';
    let result: T;
    try {
      result = await send();
    } catch (err) {
      if (!(err instanceof ChannelFault)) {
        if (probe) await breakers.probeInconclusive(channel);
        throw err;
      }
      if (err.faultClass === 'TRANSIENT') {
        if (probe) await breakers.probeInconclusive(channel);
        throw err;
      }
      if (err.faultClass === 'OUR_SIDE' && err.scope === 'channel') {
        const breaker = await breakers.open(channel, err.code, err.reason, BREAKER_PROBE_INTERVAL_MS, activityNow());
        log.error({ workflowId, channel, code: err.code, probe }, probe ? 'probe failed: the channel stays blocked' : 'fault on our side: channel breaker opened');
        throw blocked(workflowId, blockOf(breaker));
      }
      // The channel took our credentials and account this time: whatever held it is gone.
      if (probe) await closeAfterProbe(channel, workflowId);
      if (err.faultClass === 'CITIZEN_UNREACHABLE') throw ApplicationFailure.nonRetryable(err.message, FAILURES.undeliverable, { code: err.code });
      throw blocked(workflowId, err.block(new Date().toISOString()));
    }
    if (probe) await closeAfterProbe(channel, workflowId);
    return result;
  }

  async function closeAfterProbe(channel: Channel, workflowId: string): Promise<void> {
    await breakers.close(channel);
    log.info({ workflowId, channel }, 'probe went through: channel breaker closed');
  }

  return { policyOf, refuseInQuietHours, guarded };
}
