/**
 * The Cloud API's behaviour behind the routes: admitting a send (validation, customer service window,
 * throughput, pair rate) and recording it, with the parts it is built from: the statuses of accepted
 * messages (statuses.ts), the citizen's messages (citizen.ts) and media (media-api.ts). Everything
 * personal stays in state; logs carry wamids and codes only.
 */
import type { Logger } from '../../lib/log';
import type { SendMessageResponse } from '../../messaging/whatsapp/protocol';
import { CitizenPhone } from './citizen';
import { iso } from './envelope';
import { answersNow, faultGraphError, type FaultAction } from './faults';
import { GraphError, deliveryFailure, type DeliveryFailure } from './graph-error';
import { IdFactory, toWaId } from './ids';
import { MediaApi } from './media-api';
import type { ResolvedOptions } from './options';
import { PairLimiter, TokenBucket } from './rate';
import type { Scheduler } from './scheduler';
import { validateSend, type ReadReceipt, type ValidSend } from './send-validation';
import type { OutboundRecord, SimulatorState } from './state';
import { StatusLifecycle } from './statuses';
import type { WebhookDispatcher } from './webhooks';

/** A Graph answer: status and JSON body. */
export interface GraphReply {
  http: number;
  body: unknown;
}

/** The simulated Cloud API. */
export class CloudApi {
  readonly media: MediaApi;
  readonly statuses: StatusLifecycle;
  readonly citizen: CitizenPhone;
  // One factory for wamids and media ids alike, shared with the parts below.
  private readonly ids = new IdFactory();
  private readonly throughput: TokenBucket | undefined;
  private readonly pairs: PairLimiter | undefined;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly state: SimulatorState,
    webhooks: WebhookDispatcher,
    scheduler: Scheduler,
    private readonly log: Logger,
  ) {
    const tps = o.throughputPerSecond;
    this.throughput = Number.isFinite(tps) && tps > 0 ? new TokenBucket(tps, 1000 / tps, o.now()) : undefined;
    this.pairs = o.pairRate ? new PairLimiter(o.pairRate) : undefined;
    this.media = new MediaApi(o, state, this.ids, log);
    this.statuses = new StatusLifecycle(o, state, webhooks, scheduler);
    this.citizen = new CitizenPhone(o, state, this.ids, this.media, this.statuses, webhooks, log);
  }

  /** POST /{phone-number-id}/messages after authentication (and any injected fault). */
  send(raw: Record<string, unknown>, fault?: FaultAction): GraphReply {
    const now = this.o.now();
    try {
      if (answersNow(fault)) throw faultGraphError(fault);
      const valid = validateSend(raw, { mediaExists: (id) => this.media.live(id) !== undefined, countryCode: this.o.countryCode });
      if ('messageId' in valid) return this.readReceipt(valid);
      this.admit(valid, now);
      return { http: 200, body: this.accept(valid, raw, now, this.failureOf(valid, now, fault)) };
    } catch (err) {
      if (!(err instanceof GraphError)) throw err;
      const body = err.toResponse();
      const waId = typeof raw.to === 'string' ? toWaId(raw.to, this.o.countryCode) : undefined;
      this.state.addRejected({ seq: this.state.nextSeq(), waId: waId ?? '', receivedAt: iso(now), receivedAtMs: now, request: raw, response: body, httpStatus: err.http, statuses: [] });
      this.log.info({ code: err.code }, 'send rejected');
      return { http: err.http, body };
    }
  }

  /** Whether a number is "not on WhatsApp" (options or /_sim/undeliverable). */
  isUndeliverable(waId: string): boolean {
    return this.state.undeliverable.has(waId) || this.o.isUndeliverable(waId);
  }

  private admit(send: ValidSend, now: number): void {
    if (this.throughput && !this.throughput.take(now)) {
      throw new GraphError(130429, `Cloud API message throughput has been reached (${this.o.throughputPerSecond} messages per second).`);
    }
    if (this.pairs && !this.pairs.take(send.waId, now)) {
      throw new GraphError(131056, 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.');
    }
  }

  /**
   * Why an accepted send will fail instead of being delivered. Meta reports these after a 200, in a `failed`
   * status: an injected async fault, a number not on WhatsApp (131026), a free-form message outside the
   * customer service window (131047), a reaction to a message that is not in this chat (131009).
   */
  private failureOf(send: ValidSend, now: number, fault: FaultAction | undefined): DeliveryFailure | undefined {
    if (fault?.async && typeof fault.code === 'number') return deliveryFailure(fault.code, fault.details);
    if (this.isUndeliverable(send.waId)) return deliveryFailure(131026);
    if (send.type !== 'template' && !this.windowOpen(send.waId, now)) return deliveryFailure(131047);
    if (send.type === 'reaction' && !this.inChat(send.reaction.messageId, send.waId)) return deliveryFailure(131009);
    return undefined;
  }

  /** A message of this chat (ours or the citizen's) that is not itself a reaction. */
  private inChat(wamid: string, waId: string): boolean {
    const ours = this.state.messages.get(wamid);
    if (ours) return ours.waId === waId && ours.send?.type !== 'reaction';
    const theirs = this.state.inbound.get(wamid);
    return theirs !== undefined && theirs.waId === waId;
  }

  private windowOpen(waId: string, now: number): boolean {
    const last = this.state.conversations.get(waId)?.lastInboundAtMs;
    return last !== undefined && now - last < this.o.customerServiceWindowMs;
  }

  private accept(send: ValidSend, raw: unknown, now: number, failure: DeliveryFailure | undefined): SendMessageResponse {
    const wamid = this.ids.wamid(send.waId);
    const response: SendMessageResponse = { messaging_product: 'whatsapp', contacts: [{ input: send.input, wa_id: send.waId }], messages: [{ id: wamid }] };
    const record: OutboundRecord = {
      seq: this.state.nextSeq(),
      wamid,
      waId: send.waId,
      receivedAt: iso(now),
      receivedAtMs: now,
      request: raw,
      response,
      httpStatus: 200,
      statuses: [],
      send,
      undeliverable: this.isUndeliverable(send.waId),
      inWindow: this.windowOpen(send.waId, now),
      ...(failure ? { failure } : {}),
    };
    this.state.addAccepted(record);
    this.statuses.schedule(record);
    this.log.debug({ wamid, type: send.type, ...(failure ? { failsWith: failure.code } : {}) }, 'message accepted');
    return response;
  }

  private readReceipt(read: ReadReceipt): GraphReply {
    const inbound = this.state.inbound.get(read.messageId);
    if (!inbound) throw new GraphError(131009, `Parameter value is not valid: message_id ${read.messageId} is not a message received by this phone number.`);
    inbound.readByBusiness = true;
    this.state.conversation(inbound.waId).version += 1;
    return { http: 200, body: { success: true } };
  }
}
