/**
 * Delivery of signed webhooks to our server, in the background, as Meta does it: HMAC-SHA256 of the exact
 * body bytes in X-Hub-Signature-256, anything but HTTP 200 (or no answer) is retried "with decreasing
 * frequency" (Meta: up to 7 days; here a compressed, bounded schedule), deliveries run concurrently, and
 * on request several webhooks go in one POST (webhook-batch.ts).
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Logger } from '../../lib/log';
import type { WebhookPayload } from '../../messaging/whatsapp/protocol';
import type { Scheduler } from './scheduler';
import { WebhookBatcher, payloadValues, type WebhookBatching } from './webhook-batch';

/** Redelivery schedule: attempt 1 at once, then one attempt after each delay; each attempt times out. */
export interface WebhookRetryOptions {
  delaysMs: number[];
  timeoutMs: number;
}

/** Meta's 7 days of exponential backoff compressed to about 6 minutes (8 attempts). */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetryOptions = { delaysMs: [250, 1_000, 4_000, 15_000, 30_000, 60_000, 240_000], timeoutMs: 10_000 };

/** One attempt to deliver a webhook. */
export interface DeliveryAttempt {
  at: string;
  /** HTTP status our server answered, if it answered. */
  status?: number;
  /** Connection error or timeout, if it did not. */
  error?: string;
  ms: number;
}

/** One webhook and its delivery attempts (no payload: it may carry personal data). */
export interface WebhookDelivery {
  id: number;
  /** What the payload holds; `mixed`: a batch of statuses and messages. */
  kind: 'statuses' | 'messages' | 'mixed';
  /** Wamids in the payload, across every entry and change (statuses first, then messages). */
  wamids: string[];
  /** The status values, in payload order (when it holds statuses). */
  statuses?: string[];
  /** Messages and statuses in the payload (more than one when batched). */
  items: number;
  createdAt: string;
  state: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: DeliveryAttempt[];
  /** Set on the deliberate second copy of a webhook (duplicate chaos). */
  duplicateOf?: number;
}

/** What the dispatcher needs. */
export interface DispatcherOptions {
  url: string | undefined;
  appSecret: string;
  retry: WebhookRetryOptions;
  concurrency: number;
  /** Keep at most this many deliveries in the log (oldest finished ones dropped). */
  logLimit: number;
  scheduler: Scheduler;
  logger: Logger;
  /** Chaos: deliver every webhook twice. */
  duplicate: () => boolean;
  /** Chaos: batch webhooks (undefined: each goes on its own). */
  batching: () => WebhookBatching | undefined;
}

/** Signs and delivers webhooks; keeps a bounded delivery log. */
export class WebhookDispatcher {
  readonly log: WebhookDelivery[] = [];
  private readonly requests = new Set<http.ClientRequest>();
  private readonly agent: http.Agent;
  private seq = 0;
  private gen = 0;
  private readonly batcher: WebhookBatcher;

  constructor(private readonly options: DispatcherOptions) {
    this.batcher = new WebhookBatcher(options.scheduler, (payload, generation) => this.send(payload, generation));
    const Agent = options.url?.startsWith('https:') ? https.Agent : http.Agent;
    // maxSockets bounds concurrent deliveries; further requests queue inside the agent.
    this.agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  }

  /** Bumped by cancel(): webhooks queued before a reset are dropped, not sent after it. */
  get generation(): number {
    return this.gen;
  }

  /**
   * Queues a webhook; resolves once its first attempt finished (callers chain on it to keep one message's
   * statuses in order), never rejects. Retries continue in the background.
   */
  async deliver(payload: WebhookPayload, generation = this.gen): Promise<void> {
    if (!this.options.url || this.options.scheduler.isClosed || generation !== this.gen) return;
    const batching = this.options.batching();
    if (batching) return this.batcher.add(payload, generation, batching);
    return this.send(payload, generation);
  }

  private async send(payload: WebhookPayload, generation: number): Promise<void> {
    if (this.options.scheduler.isClosed || generation !== this.gen) return;
    const body = Buffer.from(metaJson(payload), 'utf8');
    const first = this.record(payload);
    await this.attempt(first, body, generation);
    if (this.options.duplicate() && generation === this.gen) {
      const copy = this.record(payload, first.id);
      await this.attempt(copy, body, generation);
    }
  }

  /** The X-Hub-Signature-256 value for these exact bytes. */
  sign(body: Buffer): string {
    return `sha256=${createHmac('sha256', this.options.appSecret).update(body).digest('hex')}`;
  }

  /** Stops retrying what is pending (reset), keeping the log. */
  cancel(): void {
    this.gen += 1;
    this.batcher.drop();
    for (const req of this.requests) req.destroy(new Error('cancelled'));
    for (const d of this.log) if (d.state === 'pending') d.state = 'cancelled';
  }

  /** Clears the log (reset). */
  clearLog(): void {
    this.log.length = 0;
  }

  /** cancel() and release sockets. */
  close(): void {
    this.cancel();
    this.agent.destroy();
  }

  private record(payload: WebhookPayload, duplicateOf?: number): WebhookDelivery {
    const values = payloadValues(payload);
    const statuses = values.flatMap((v) => v.statuses ?? []);
    const messages = values.flatMap((v) => v.messages ?? []);
    const delivery: WebhookDelivery = {
      id: ++this.seq,
      kind: statuses.length > 0 && messages.length > 0 ? 'mixed' : statuses.length > 0 ? 'statuses' : 'messages',
      wamids: [...statuses.map((s) => s.id), ...messages.map((m) => m.id)],
      ...(statuses.length > 0 ? { statuses: statuses.map((s) => s.status) } : {}),
      items: statuses.length + messages.length,
      createdAt: new Date().toISOString(),
      state: 'pending',
      attempts: [],
      ...(duplicateOf !== undefined ? { duplicateOf } : {}),
    };
    this.log.push(delivery);
    this.trimLog();
    return delivery;
  }

  private async attempt(delivery: WebhookDelivery, body: Buffer, generation: number): Promise<void> {
    const started = Date.now();
    const outcome = await this.post(body);
    if (generation !== this.gen || delivery.state !== 'pending') return;
    delivery.attempts.push({ at: new Date(started).toISOString(), ...outcome, ms: Date.now() - started });
    if (outcome.status === 200) {
      delivery.state = 'delivered';
      return;
    }
    const delay = this.options.retry.delaysMs[delivery.attempts.length - 1];
    this.options.logger.warn({ delivery: delivery.id, wamids: delivery.wamids, status: outcome.status, error: outcome.error, attempt: delivery.attempts.length }, 'webhook not accepted');
    if (delay === undefined || this.options.scheduler.isClosed) {
      delivery.state = 'failed';
      this.options.logger.error({ delivery: delivery.id, wamids: delivery.wamids, attempts: delivery.attempts.length }, 'webhook given up');
      return;
    }
    this.options.scheduler.after(delay, () => void this.attempt(delivery, body, generation));
  }

  private post(body: Buffer): Promise<{ status?: number; error?: string }> {
    const url = this.options.url!;
    const client = url.startsWith('https:') ? https : http;
    return new Promise((resolve) => {
      const req = client.request(url, {
        method: 'POST',
        agent: this.agent,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'user-agent': 'facebookexternalua',
          'x-hub-signature-256': this.sign(body),
          // Meta still sends the legacy SHA-1 signature alongside.
          'x-hub-signature': `sha1=${createHmac('sha1', this.options.appSecret).update(body).digest('hex')}`,
        },
      });
      this.requests.add(req);
      const done = (result: { status?: number; error?: string }) => {
        this.requests.delete(req);
        resolve(result);
      };
      req.setTimeout(this.options.retry.timeoutMs, () => req.destroy(new Error(`timed out after ${this.options.retry.timeoutMs} ms`)));
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => done({ status: res.statusCode ?? 0 }));
        res.on('error', (err) => done({ status: res.statusCode ?? 0, error: err.message }));
      });
      req.on('error', (err) => done({ error: err.message }));
      req.end(body);
    });
  }

  private trimLog(): void {
    // Trim in batches, not per webhook: a benchmark pushes hundreds of thousands of deliveries through.
    const limit = this.options.logLimit;
    if (this.log.length <= limit + Math.max(100, limit >> 2)) return;
    let drop = this.log.length - limit;
    let w = 0;
    for (const d of this.log) {
      if (drop > 0 && d.state !== 'pending') drop -= 1;
      else this.log[w++] = d;
    }
    this.log.length = w;
  }
}

/**
 * JSON as Meta writes it: non-ASCII characters escaped as \uXXXX (3rd-party reports; Hindi names and
 * replies are affected). A receiver that verifies a re-serialised body instead of the raw bytes then fails,
 * as it would against Meta. (Whether Meta also escapes "/" is UNCERTAIN; we do not.)
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Meta's subscription handshake against our endpoint: does it echo hub.challenge for this verify token? */
export function verifyWebhook(url: string, verifyToken: string, timeoutMs: number): Promise<{ ok: boolean; status?: number; echoed?: boolean; error?: string }> {
  const challenge = String(Math.floor(Math.random() * 1e9));
  const target = new URL(url);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.challenge', challenge);
  target.searchParams.set('hub.verify_token', verifyToken);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = client.get(target, { agent: false, headers: { 'user-agent': 'facebookplatform/1.0' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < 1024) text += chunk;
      });
      res.on('end', () => {
        const echoed = text === challenge;
        resolve({ ok: res.statusCode === 200 && echoed, status: res.statusCode ?? 0, echoed });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ ok: false, error: err.message }));
  });
}
