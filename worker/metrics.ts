/**
 * The business counters on the worker, recorded through the Temporal runtime's metric meter so they are
 * exported on the same Prometheus endpoint as the SDK's own metrics (WORKER_METRICS_PORT).
 */
import { Runtime } from '@temporalio/worker';
import type { MetricCounter } from '@temporalio/common';
import type { MetricName, Metrics } from '../activities/ports';
import { CHANNELS, type Channel } from '../contracts/workflow';
import type { EventFeedMetrics } from '../portal/event-feed';

const DESCRIPTIONS: Record<MetricName, string> = {
  messages_sent: 'Messages accepted by the channel, by purpose (ATR, REMINDER, ...) and department',
  feedback: 'Feedback recorded, by rating, channel, decisive, late and department',
  escalations: 'Escalations created, by level, department and district',
  sms_fallbacks: 'ATR links sent by SMS because WhatsApp could not reach the citizen',
  outcomes: 'Closures ended, by outcome',
  delivery_blocked: 'Sends held by a fault on our side or an open channel breaker, by channel and error code',
};

/** Counters on the runtime's meter (call after the runtime is installed). */
export function createRuntimeMetrics(): Metrics {
  const meter = Runtime.instance().metricMeter;
  const counters = new Map<MetricName, MetricCounter>();
  return {
    increment(name, labels = {}) {
      let counter = counters.get(name);
      if (!counter) {
        counter = meter.createCounter(`sampark_atr_${name}`, undefined, DESCRIPTIONS[name]);
        counters.set(name, counter);
      }
      counter.add(1, labels);
    },
  };
}

/** Every ten seconds, the process's memory as `sampark_atr_worker_memory_bytes{kind}`; returns a stop function. */
export function reportProcessMemory(intervalMs = 10_000): () => void {
  // Ops size the workflow cache (WORKER_MAX_CACHED_WORKFLOWS) from this: RSS against the V8 heap.
  const gauge = Runtime.instance().metricMeter.createGauge('sampark_atr_worker_memory_bytes', 'int', 'bytes', 'Worker process memory by kind (rss, heap_used, heap_total, external)');
  const sample = () => {
    const m = process.memoryUsage();
    for (const [kind, bytes] of [['rss', m.rss], ['heap_used', m.heapUsed], ['heap_total', m.heapTotal], ['external', m.external]] as const) gauge.set(bytes, { kind });
  };
  sample();
  const timer = setInterval(sample, intervalMs).unref();
  return () => clearInterval(timer);
}

/** The event feed's counters and backlog gauge (portal/event-feed.ts), labelled by event type only. */
export function createEventFeedMetrics(): EventFeedMetrics {
  const meter = Runtime.instance().metricMeter;
  const delivered = meter.createCounter('sampark_atr_portal_events_delivered', undefined, 'Events the portal accepted (2xx), by type');
  const failed = meter.createCounter('sampark_atr_portal_events_failed', undefined, 'Event POSTs that failed, by type and kind (retry: sent again later; rejected: a 4xx, parked for ops)');
  const backlog = meter.createGauge('sampark_atr_portal_events_backlog', 'int', '', 'Events waiting to reach the portal (see `npx sampark-atr events`)');
  return {
    delivered: (type) => delivered.add(1, { type }),
    failed: (type, kind) => failed.add(1, { type, kind }),
    backlog: (n) => backlog.set(n),
  };
}

/** How often the breaker gauge reads the shared table: as often as Prometheus scrapes (deploy/prometheus). */
export const BREAKER_GAUGE_INTERVAL_MS = 15_000;

/**
 * The open circuit breakers as `sampark_atr_channel_breaker_open{channel}` (1 open, 0 closed), read from the
 * table every worker shares, so every worker reports the same; returns a stop function.
 */
export function reportChannelBreakers(listOpen: () => Promise<{ channel: Channel }[]>, onError: (err: unknown) => void, intervalMs = BREAKER_GAUGE_INTERVAL_MS): () => void {
  const gauge = Runtime.instance().metricMeter.createGauge('sampark_atr_channel_breaker_open', 'int', '', 'Whether a fault on our side holds the channel (1) or not (0); see `npx sampark-atr resume`');
  const sample = async () => {
    try {
      const open = new Set((await listOpen()).map((b) => b.channel));
      for (const channel of CHANNELS) gauge.set(open.has(channel) ? 1 : 0, { channel });
    } catch (err) {
      onError(err);
    }
  };
  void sample();
  const timer = setInterval(() => void sample(), intervalMs).unref();
  return () => clearInterval(timer);
}
