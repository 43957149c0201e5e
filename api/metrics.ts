/**
 * Prometheus metrics of the API process (GET /metrics on its internal listener, serveMetrics): request latency by
 * route, webhook intake, what the relay did with each inbox row, and delivery statuses of our messages (ATRs
 * delivered and read), plus Node's process metrics. The worker's counters and the Temporal SDK's are on the worker's endpoint.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The API's metrics. */
export interface ApiMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  webhooks: Counter<'result'>;
  relayed: Counter<'kind' | 'state'>;
  statuses: Counter<'status' | 'purpose'>;
}

/** A registry with the API's metrics. */
export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sampark_atr_api_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'sampark_atr_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    webhooks: new Counter({ name: 'sampark_atr_webhook_requests_total', help: 'WhatsApp webhook requests by result', labelNames: ['result'], registers: [registry] }),
    relayed: new Counter({ name: 'sampark_atr_relay_rows_total', help: 'Inbox rows the relay handled, by kind and final state', labelNames: ['kind', 'state'], registers: [registry] }),
    statuses: new Counter({
      name: 'sampark_atr_message_statuses_total',
      help: 'Delivery statuses of our messages signalled to their workflow (ATRs delivered, read, ...)',
      labelNames: ['status', 'purpose'],
      registers: [registry],
    }),
  };
}

/**
 * Serves GET /metrics on its own listener (API_METRICS_ADDRESS), on the internal network: the public API port does
 * not have it. Anything else answers 404. Resolves once it listens, with its URL and a function that closes it.
 */
export async function serveMetrics(registry: Registry, address: string): Promise<{ url: string; close(): Promise<void> }> {
  const [host, port] = splitAddress(address);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}
