/**
 * The life of an accepted message as status webhooks: sent → delivered → read (once the citizen opens the
 * chat, or at once with autoRead), the chaos orders, or `failed` with the message's delivery failure
 * (131026 not on WhatsApp, 131047 outside the window, an async fault rule, ...); each message's webhooks go
 * out in order, with per-message pricing. Statuses of different messages interleave freely, as Meta's do.
 */
import type { StatusUpdate } from '../../messaging/whatsapp/protocol';
import { unixSeconds, webhookEnvelope } from './envelope';
import { statusError } from './graph-error';
import { numberKey } from './ids';
import type { ResolvedOptions } from './options';
import type { Scheduler } from './scheduler';
import type { OutboundRecord, SimulatorState } from './state';
import type { WebhookDispatcher } from './webhooks';

/** Schedules and emits the statuses of accepted messages. */
export class StatusLifecycle {
  constructor(
    private readonly o: ResolvedOptions,
    private readonly state: SimulatorState,
    private readonly webhooks: WebhookDispatcher,
    private readonly scheduler: Scheduler,
  ) {}

  /** Starts the timers of a message just accepted. */
  schedule(record: OutboundRecord): void {
    const d = this.o.statusDelaysMs;
    if (record.failure) {
      // Meta reports delivery failures asynchronously, as a `failed` status without a `sent` before it.
      this.scheduler.after(d.sent, () => this.emit(record, 'failed'));
      return;
    }
    this.scheduler.after(d.sent, () => this.emit(record, 'sent'));
    this.scheduler.after(Math.max(d.sent, d.delivered), () => this.delivered(record));
  }

  /** The citizen opened the chat: every delivered message becomes read; the others as soon as delivered. */
  openChat(number: string): void {
    const c = this.state.conversations.get(numberKey(number, this.o.countryCode));
    for (const record of c?.outbound ?? []) {
      if (record.failure || record.undeliverable || record.readScheduled) continue;
      if (record.delivered) this.scheduleRead(record);
      else record.readRequested = true;
    }
  }

  /** A switched-off phone came back on: what was sent to it while off is delivered now, as Meta does. */
  phoneBackOn(number: string): void {
    const c = this.state.conversations.get(numberKey(number, this.o.countryCode));
    for (const record of c?.outbound ?? []) {
      if (record.wamid && !record.failure && !record.undeliverable && !record.delivered) this.delivered(record);
    }
  }

  private delivered(record: OutboundRecord): void {
    if (this.state.switchedOff.has(record.send!.waId)) return; // no receipt while the phone is off
    record.delivered = true;
    switch (this.state.chaos.statusOrder) {
      case 'read-before-delivered':
        record.readScheduled = true;
        this.emit(record, 'read');
        this.emit(record, 'delivered');
        break;
      case 'delivered-omitted':
        // Meta: when delivered and read happen together, only `read` is sent (carrying the pricing).
        record.readScheduled = true;
        this.emit(record, 'read', true);
        break;
      default:
        this.emit(record, 'delivered');
        if (this.o.autoRead || record.readRequested) this.scheduleRead(record);
    }
  }

  private scheduleRead(record: OutboundRecord): void {
    if (record.readScheduled) return;
    record.readScheduled = true;
    this.scheduler.after(this.o.statusDelaysMs.read, () => this.emit(record, 'read'));
  }

  private emit(record: OutboundRecord, status: StatusUpdate['status'], withPricing = status === 'sent' || status === 'delivered'): void {
    const send = record.send!;
    const update: StatusUpdate = {
      id: record.wamid!,
      status,
      timestamp: unixSeconds(this.o.now()),
      recipient_id: record.waId,
      ...(send.bizOpaque !== undefined ? { biz_opaque_callback_data: send.bizOpaque } : {}),
      // From v24.0 the conversation object is omitted outside free-entry-point windows, so we never send it.
      ...(withPricing && status !== 'failed' ? { pricing: this.pricing(record) } : {}),
      ...(status === 'failed' && record.failure ? { errors: [statusError(record.failure)] } : {}),
    };
    record.statuses.push(update);
    this.state.conversation(record.waId).version += 1;
    const payload = webhookEnvelope(this.o, { statuses: [update] });
    const generation = this.webhooks.generation;
    record.chain = (record.chain ?? Promise.resolve()).then(() => this.webhooks.deliver(payload, generation));
  }

  /** Per-message pricing (since July 2025): templates are utility, charged unless inside an open window. */
  private pricing(record: OutboundRecord): NonNullable<StatusUpdate['pricing']> {
    if (record.send!.type !== 'template') return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
    return record.inWindow
      ? { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'utility' }
      : { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' };
  }
}
