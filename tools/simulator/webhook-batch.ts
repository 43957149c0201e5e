/**
 * Batched webhook deliveries, as Meta makes them under load: several messages and statuses, of different
 * citizens, in one signed POST. Webhooks are collected for a window (or up to a number of items), then
 * merged: every status in one `statuses` array, each citizen's messages in a change of their own (with that
 * citizen's contact), statuses and messages in separate entries. Meta documents that `entry`, `changes`,
 * `statuses` and `messages` are arrays that may hold several items but not how it groups them (UNCERTAIN),
 * so the simulator uses every level at once: a receiver that reads only the first item of any loses data.
 */
import type { WebhookPayload, WebhookValue } from '../../messaging/whatsapp/protocol';
import type { Scheduler } from './scheduler';

/** Batching settings (options.chaos.batchWebhooks, POST /_sim/chaos). */
export interface WebhookBatching {
  /** How long the first webhook of a batch waits for others. */
  windowMs: number;
  /** A batch holding this many messages and statuses goes at once. */
  maxItems: number;
}

/** Messages and statuses in a payload. */
export function itemCount(payload: WebhookPayload): number {
  return payloadValues(payload).reduce((n, v) => n + (v.statuses?.length ?? 0) + (v.messages?.length ?? 0), 0);
}

/** Every change value of a payload, in order. */
export function payloadValues(payload: WebhookPayload): WebhookValue[] {
  return payload.entry.flatMap((e) => e.changes.map((c) => c.value));
}

/** Merges webhooks into one payload (see the file comment for the layout). */
export function mergePayloads(payloads: readonly WebhookPayload[]): WebhookPayload {
  const first = payloads[0]!;
  const values = payloads.flatMap(payloadValues);
  const head = { messaging_product: values[0]!.messaging_product, metadata: values[0]!.metadata };
  const statuses = values.flatMap((v) => v.statuses ?? []);
  const bySender = new Map<string, WebhookValue>();
  for (const v of values) {
    for (const m of v.messages ?? []) {
      let change = bySender.get(m.from);
      if (!change) {
        change = { ...head, contacts: (v.contacts ?? []).filter((c) => c.wa_id === m.from), messages: [] };
        bySender.set(m.from, change);
      }
      change.messages!.push(m);
    }
  }
  const id = first.entry[0]!.id;
  const entry: WebhookPayload['entry'] = [];
  if (statuses.length > 0) entry.push({ id, changes: [{ field: 'messages', value: { ...head, statuses } }] });
  if (bySender.size > 0) entry.push({ id, changes: [...bySender.values()].map((value) => ({ field: 'messages' as const, value })) });
  return { object: first.object, entry };
}

interface Batch {
  payloads: WebhookPayload[];
  items: number;
  generation: number;
  waiters: (() => void)[];
}

/** Collects webhooks into batches and hands each batch to `send` as one payload. */
export class WebhookBatcher {
  private open: Batch | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    /** Delivers one payload; resolves after its first attempt. */
    private readonly send: (payload: WebhookPayload, generation: number) => Promise<void>,
  ) {}

  /** Adds a webhook; resolves once the batch holding it had its first attempt (callers chain on it). */
  add(payload: WebhookPayload, generation: number, settings: WebhookBatching): Promise<void> {
    if (this.open && this.open.generation !== generation) this.flush();
    let batch = this.open;
    if (!batch) {
      batch = { payloads: [], items: 0, generation, waiters: [] };
      this.open = batch;
      const opened = batch;
      this.scheduler.after(settings.windowMs, () => {
        if (this.open === opened) this.flush();
      });
    }
    batch.payloads.push(payload);
    batch.items += itemCount(payload);
    const done = new Promise<void>((resolve) => batch.waiters.push(resolve));
    if (batch.items >= settings.maxItems) this.flush();
    return done;
  }

  /** Sends the open batch now. */
  flush(): void {
    const batch = this.open;
    this.open = undefined;
    if (!batch) return;
    void this.send(mergePayloads(batch.payloads), batch.generation).finally(() => {
      for (const wake of batch.waiters) wake();
    });
  }

  /** Forgets the open batch (reset): its webhooks are not sent, and whoever waits on them is released. */
  drop(): void {
    const batch = this.open;
    this.open = undefined;
    for (const wake of batch?.waiters ?? []) wake();
  }
}
