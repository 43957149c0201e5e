/**
 * The event feed's dispatcher: a loop in each worker process that takes due events from the outbox
 * (db/repositories/portal-events.ts) and POSTs each, signed, to PORTAL_EVENTS_URL. At least once: an event is
 * marked delivered only after a 2xx, so a crash in between sends it again (the portal de-duplicates by id). In
 * order per grievance: only the earliest undelivered event of a grievance is ever taken. Several processes share
 * the outbox safely (SKIP LOCKED and a lease). 5xx, 408, 429 and network errors are retried with capped,
 * jittered exponential backoff, for as long as it takes; any other 4xx is the portal refusing that event for good:
 * it is parked as REJECTED with the reason, for ops (`sampark-atr events`), and the grievance's later events go on.
 */
import type { Pool } from 'pg';
import { PORTAL_EVENT_ID_HEADER, PORTAL_SIGNATURE_HEADER, type PortalEventType } from '../contracts/events';
import { createPortalEventRepository, toEnvelope, type PortalEventRepository, type StoredPortalEvent } from '../db/repositories/portal-events';
import type { Logger } from '../lib/log';
import { signPortalEvent } from './signature';

/** Counters and a gauge for ops; labels are event types and outcomes, never personal data. */
export interface EventFeedMetrics {
  delivered(type: PortalEventType): void;
  /** `retry`: will be sent again; `rejected`: parked for ops. */
  failed(type: PortalEventType, kind: 'retry' | 'rejected'): void;
  backlog(pending: number): void;
}

/** Dispatcher settings. */
export interface EventFeedOptions {
  pool: Pool;
  log: Logger;
  /** Where the portal receives events; without it nothing is sent and events wait in the outbox. */
  url?: string;
  secret?: string;
  /** One POST's budget (PORTAL_EVENTS_TIMEOUT_MS). */
  timeoutMs: number;
  metrics?: EventFeedMetrics;
  /** Events sent side by side in one pass (each of a different grievance). */
  batchSize?: number;
  /** How often to look for due events when the last pass found none. */
  pollMs?: number;
  /** The first retry's delay, doubled per attempt up to `maxBackoffMs`. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Sixteen POSTs at once: enough to keep up with bursts of closures, few enough not to flood the portal. */
const BATCH_SIZE = 16;
/** An event waits at most about this long before its first try when the outbox was idle. */
const POLL_MS = 1_000;
/** A portal that failed usually needs a moment: start retrying after two seconds. */
const FIRST_BACKOFF_MS = 2_000;
/** During a long outage try every five minutes, so the backlog drains within minutes of the portal's return. */
const MAX_BACKOFF_MS = 5 * 60_000;
/** A claimed event comes due again this long after its POST's timeout, should its dispatcher die mid-send. */
const LEASE_MARGIN_MS = 30_000;
/** How often the backlog gauge reads the outbox: as often as Prometheus scrapes. */
const BACKLOG_GAUGE_INTERVAL_MS = 15_000;
/** The part of a refusal's body kept as its reason: enough for the portal's error message, not a whole page. */
const REASON_LIMIT = 300;

/** How one POST ended. */
type Attempt = { kind: 'delivered' } | { kind: 'retry'; error: string; retryAfterMs?: number } | { kind: 'rejected'; reason: string };

/** The delay before attempt `attempts + 1`: doubling from `first`, capped, with "equal jitter" (half fixed, half random) so a recovering portal is not hit by every dispatcher at once. */
export function backoffMs(attempts: number, first: number, max: number, random: () => number = Math.random): number {
  const ceiling = Math.min(max, first * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The dispatcher loop. */
export class PortalEventFeed {
  private readonly events: PortalEventRepository;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;
  private gauge: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly opts: EventFeedOptions) {
    if (opts.url && !opts.secret) throw new Error('the portal event feed needs a secret to sign with');
    this.events = createPortalEventRepository(opts.pool);
    this.batchSize = opts.batchSize ?? BATCH_SIZE;
    this.pollMs = opts.pollMs ?? POLL_MS;
  }

  /** Starts the loop (and the backlog gauge). Without a URL only the gauge runs: the backlog shows what waits. */
  start(): void {
    this.stopped = false;
    const sample = () => void this.events.pendingCount().then((n) => this.opts.metrics?.backlog(n), (err: unknown) => this.opts.log.warn({ err }, 'could not count the event backlog'));
    sample();
    this.gauge = setInterval(sample, BACKLOG_GAUGE_INTERVAL_MS).unref();
    if (!this.opts.url) {
      this.opts.log.warn('PORTAL_EVENTS_URL is not set: events to the portal wait in the outbox (`sampark-atr events`)');
      return;
    }
    this.schedule(0);
  }

  /** Stops the loop and waits for the pass in flight (its POSTs finish or time out). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.gauge) clearInterval(this.gauge);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
  }

  private async loop(): Promise<void> {
    let busy = false;
    try {
      busy = (await this.dispatchOnce()) > 0;
    } catch (err) {
      this.opts.log.warn({ err }, 'event feed pass failed; will retry');
    }
    // After a pass that sent something, the grievances' next events may be due at once.
    this.schedule(busy ? 0 : this.pollMs);
  }

  /** One pass: claims due events and sends them side by side. Returns how many it claimed. */
  async dispatchOnce(): Promise<number> {
    const { url, secret, timeoutMs } = this.opts;
    if (!url || !secret) return 0;
    const claimed = await this.events.claimDue(this.batchSize, timeoutMs + LEASE_MARGIN_MS);
    await Promise.all(claimed.map((e) => this.deliver(e, url, secret)));
    return claimed.length;
  }

  private async deliver(event: StoredPortalEvent, url: string, secret: string): Promise<void> {
    const result = await post(url, secret, event, this.opts.timeoutMs);
    const { metrics, log } = this.opts;
    const fields = { eventId: event.id, type: event.type, grievanceId: event.grievanceId, sequence: event.sequence, attempts: event.attempts };
    if (result.kind === 'delivered') {
      await this.events.markDelivered(event.id);
      metrics?.delivered(event.type);
      return;
    }
    if (result.kind === 'rejected') {
      await this.events.markRejected(event.id, result.reason);
      metrics?.failed(event.type, 'rejected');
      log.error({ ...fields, reason: result.reason }, 'the portal refused an event; parked as REJECTED (sampark-atr events)');
      return;
    }
    const maxMs = this.opts.maxBackoffMs ?? MAX_BACKOFF_MS;
    const delay = Math.min(maxMs, Math.max(result.retryAfterMs ?? 0, backoffMs(event.attempts, this.opts.firstBackoffMs ?? FIRST_BACKOFF_MS, maxMs)));
    await this.events.markRetry(event.id, result.error, delay);
    metrics?.failed(event.type, 'retry');
    log.warn({ ...fields, error: result.error, retryInMs: delay }, 'event not delivered to the portal; will retry');
  }
}

/** POSTs one event and classifies the answer. */
async function post(url: string, secret: string, event: StoredPortalEvent, timeoutMs: number): Promise<Attempt> {
  const body = JSON.stringify(toEnvelope(event));
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [PORTAL_SIGNATURE_HEADER]: signPortalEvent(body, secret),
        [PORTAL_EVENT_ID_HEADER]: event.id,
        'user-agent': 'sampark-atr-events/1',
      },
      body,
      // A redirect is the portal's configuration changing: retried (and logged) rather than followed blindly.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = err instanceof Error ? ((err.cause as { code?: string } | undefined)?.code ?? err.name) : String(err);
    return { kind: 'retry', error: `no answer from the portal (${cause})` };
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return { kind: 'delivered' };
  const status = `HTTP ${res.status}${text ? `: ${text.slice(0, REASON_LIMIT)}` : ''}`;
  if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) return { kind: 'rejected', reason: status };
  const retryAfter = Number(res.headers.get('retry-after'));
  return { kind: 'retry', error: status, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
}
