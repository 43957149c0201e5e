/**
 * What the simulator remembers: every send (accepted, and recent rejections), every citizen message, every
 * SMS, the media store, fault rules and chaos settings, per conversation. Every accepted message record is
 * kept (benchmarks count them); media bytes and rejected-send records are bounded.
 */
import type { GraphErrorResponse, InboundMessage, SendMessageResponse, StatusUpdate } from '../../messaging/whatsapp/protocol';
import type { FaultInjector } from './faults';
import type { DeliveryFailure } from './graph-error';
import { numberKey } from './ids';
import type { MediaStore } from './media';
import type { ValidSend } from './send-validation';
import type { WebhookBatching } from './webhook-batch';
import type { WebhookDelivery } from './webhooks';

/** Rejected sends kept per number (the newest); a client hammering a rate limit must not fill memory. */
export const REJECTED_KEPT_PER_NUMBER = 200;

/** Deliberate disorder of status webhooks. */
export type StatusOrder =
  /** sent, delivered, then read (once the chat is opened, or at once with autoRead). */
  | 'in-order'
  /** At delivery the citizen reads at once, and `read` is delivered before `delivered`. */
  | 'read-before-delivered'
  /** At delivery the citizen reads at once and, as Meta does then, no `delivered` is sent at all. */
  | 'delivered-omitted';

/** Chaos settings (options.chaos, POST /_sim/chaos). */
export interface ChaosSettings {
  /** Deliver every webhook twice. */
  duplicateWebhooks: boolean;
  statusOrder: StatusOrder;
  /** Batch several webhooks into one POST, as Meta does under load (false: one webhook per POST). */
  batchWebhooks: WebhookBatching | false;
}

/** A send we received: accepted (with a wamid) or rejected (with the error we answered). */
export interface OutboundRecord {
  seq: number;
  wamid?: string;
  waId: string;
  receivedAt: string;
  receivedAtMs: number;
  /** The request body exactly as received. */
  request: unknown;
  /** What we answered (SendMessageResponse or GraphErrorResponse). */
  response: SendMessageResponse | GraphErrorResponse;
  httpStatus: number;
  /** The statuses sent for it, in emission order. */
  statuses: StatusUpdate[];
  send?: ValidSend;
  /** Not on WhatsApp (131026); such a message never shows on the phone. */
  undeliverable?: boolean;
  /** Accepted, but it will fail in a `failed` status with this error instead of being delivered. */
  failure?: DeliveryFailure;
  /** Utility template sent inside an open customer service window (free: pricing type free_customer_service). */
  inWindow?: boolean;
  delivered?: boolean;
  readRequested?: boolean;
  /** A read status is scheduled or sent (at most one per message). */
  readScheduled?: boolean;
  /** Orders this message's status webhooks. */
  chain?: Promise<void>;
}

/** A message the citizen sent us. */
export interface InboundRecord {
  seq: number;
  wamid: string;
  waId: string;
  at: string;
  atMs: number;
  message: InboundMessage;
  profileName: string;
  /** We marked it read (blue ticks on the phone page). */
  readByBusiness?: boolean;
}

/** An SMS the gateway accepted. */
export interface SmsRecord {
  seq: number;
  id: string;
  to: string;
  sender: string;
  text: string;
  reference: string;
  receivedAt: string;
}

/** Everything about one citizen's number. */
export interface Conversation {
  waId: string;
  outbound: OutboundRecord[];
  rejected: OutboundRecord[];
  rejectedDropped: number;
  inbound: InboundRecord[];
  sms: SmsRecord[];
  lastInboundAtMs?: number;
  profileName?: string;
  /** Bumped on any change; the phone page polls it to refresh. */
  version: number;
  /** Orders the citizen's message webhooks. */
  inboundChain?: Promise<void>;
}

/** A message as /_sim/messages lists it. */
export interface SimMessageView {
  wamid?: string;
  receivedAt: string;
  request: unknown;
  response: unknown;
  httpStatus: number;
  statuses: StatusUpdate[];
}

/** The simulator's memory as JSON (SimulatorState.snapshot). */
export interface SimulatorSnapshot {
  version: 1;
  seq: number;
  counters: SimulatorState['counters'];
  undeliverable: string[];
  conversations: Conversation[];
  media: ReturnType<MediaStore['snapshot']>;
}

/** The simulator's memory. */
export class SimulatorState {
  readonly conversations = new Map<string, Conversation>();
  /** Accepted messages by wamid. */
  readonly messages = new Map<string, OutboundRecord>();
  /** Citizen messages by wamid. */
  readonly inbound = new Map<string, InboundRecord>();
  /** SMS by idempotency reference. */
  readonly smsByReference = new Map<string, SmsRecord>();
  /** Numbers made undeliverable at run time (POST /_sim/undeliverable), as digits. */
  readonly undeliverable = new Set<string>();
  /**
   * Phones switched off (POST /_sim/phones-off), as digits: Meta accepts messages to them and reports `sent`, but
   * no `delivered` until the phone is back on, perhaps never.
   */
  readonly switchedOff = new Set<string>();
  readonly counters = { accepted: 0, rejected: 0, inbound: 0, sms: 0, smsDuplicates: 0 };
  chaos: ChaosSettings;
  private seq = 0;

  constructor(
    readonly media: MediaStore,
    readonly faults: FaultInjector,
    /** The webhook delivery log (owned by the dispatcher). */
    readonly deliveries: readonly WebhookDelivery[],
    private readonly initialChaos: ChaosSettings,
  ) {
    this.chaos = { ...initialChaos };
  }

  /** The next sequence number (a total order of events across all records). */
  nextSeq(): number {
    return ++this.seq;
  }

  /** The conversation for a number (any format), created on first use. */
  conversation(number: string): Conversation {
    const waId = numberKey(number);
    let c = this.conversations.get(waId);
    if (!c) {
      c = { waId, outbound: [], rejected: [], rejectedDropped: 0, inbound: [], sms: [], version: 0 };
      this.conversations.set(waId, c);
    }
    return c;
  }

  /** Records an accepted send. */
  addAccepted(record: OutboundRecord): void {
    const c = this.conversation(record.waId);
    c.outbound.push(record);
    c.version += 1;
    this.messages.set(record.wamid!, record);
    this.counters.accepted += 1;
  }

  /** Records a rejected send (kept per number, newest REJECTED_KEPT_PER_NUMBER). */
  addRejected(record: OutboundRecord): void {
    this.counters.rejected += 1;
    if (!record.waId) return;
    const c = this.conversation(record.waId);
    c.rejected.push(record);
    if (c.rejected.length > REJECTED_KEPT_PER_NUMBER) {
      c.rejected.shift();
      c.rejectedDropped += 1;
    }
  }

  /** Records a citizen message; it opens (or renews) the 24-hour customer service window. */
  addInbound(record: InboundRecord): void {
    const c = this.conversation(record.waId);
    c.inbound.push(record);
    c.lastInboundAtMs = record.atMs;
    c.profileName = record.profileName;
    c.version += 1;
    this.inbound.set(record.wamid, record);
    this.counters.inbound += 1;
  }

  /** Records an accepted SMS. */
  addSms(record: SmsRecord): void {
    const c = this.conversation(record.to);
    c.sms.push(record);
    c.version += 1;
    this.smsByReference.set(record.reference, record);
    this.counters.sms += 1;
  }

  /** Every send for a number, oldest first (GET /_sim/messages). */
  messagesFor(number: string): SimMessageView[] {
    const c = this.conversations.get(numberKey(number));
    if (!c) return [];
    return [...c.outbound, ...c.rejected]
      .sort((a, b) => a.seq - b.seq)
      .map((r) => ({ ...(r.wamid ? { wamid: r.wamid } : {}), receivedAt: r.receivedAt, request: r.request, response: r.response, httpStatus: r.httpStatus, statuses: r.statuses }));
  }

  /** Every SMS for a number, oldest first (GET /_sim/sms). */
  smsFor(number: string): SmsRecord[] {
    return this.conversations.get(numberKey(number))?.sms ?? [];
  }

  /** Counts for /_sim/stats. */
  stats() {
    const d = this.deliveries;
    return {
      ...this.counters,
      conversations: this.conversations.size,
      media: this.media.stats(),
      webhooks: {
        logged: d.length,
        pending: d.filter((x) => x.state === 'pending').length,
        delivered: d.filter((x) => x.state === 'delivered').length,
        failed: d.filter((x) => x.state === 'failed').length,
      },
    };
  }

  /**
   * Conversations, their records and the media, as JSON (for `npm start`'s state file): Meta and the
   * citizen's phone do not forget a chat when our stack restarts, so the simulator must not either.
   */
  snapshot(): SimulatorSnapshot {
    // Promise chains only order webhooks still being delivered; they do not survive a restart anyway.
    const conversations = [...this.conversations.values()].map(({ inboundChain: _chain, outbound, rejected, ...rest }) => ({
      ...rest,
      outbound: outbound.map(({ chain: _c, ...r }) => r),
      rejected: rejected.map(({ chain: _c, ...r }) => r),
    }));
    return { version: 1, seq: this.seq, counters: { ...this.counters }, undeliverable: [...this.undeliverable], conversations, media: this.media.snapshot() };
  }

  /** Replaces the state with a snapshot, rebuilding the indexes by wamid and SMS reference. */
  restore(snapshot: SimulatorSnapshot): void {
    if (snapshot.version !== 1) throw new Error(`simulator state file version ${String(snapshot.version)} is not supported`);
    this.reset();
    this.seq = snapshot.seq;
    Object.assign(this.counters, snapshot.counters);
    for (const n of snapshot.undeliverable) this.undeliverable.add(n);
    for (const c of snapshot.conversations) {
      this.conversations.set(c.waId, c);
      for (const r of c.outbound) if (r.wamid) this.messages.set(r.wamid, r);
      for (const r of c.inbound) this.inbound.set(r.wamid, r);
      for (const r of c.sms) this.smsByReference.set(r.reference, r);
    }
    this.media.restore(snapshot.media);
  }

  /** Forgets everything (media, messages, SMS, faults, chaos back to the options). */
  reset(): void {
    this.conversations.clear();
    this.messages.clear();
    this.inbound.clear();
    this.smsByReference.clear();
    this.undeliverable.clear();
    this.switchedOff.clear();
    for (const key of Object.keys(this.counters) as (keyof typeof this.counters)[]) this.counters[key] = 0;
    this.faults.clear();
    this.media.clear();
    this.chaos = { ...this.initialChaos };
  }
}
