/**
 * The Cloud API's behaviour behind the routes: admitting a send (validation, customer service window,
 * throughput, pair rate), the life of an accepted message (sent → delivered → read, or failed 131026),
 * a citizen's messages, and media. Everything personal stays in state; logs carry wamids and codes only.
 */
import { createHmac } from 'node:crypto';
import type { Logger } from '../../lib/log';
import type { InboundMessage, SendMessageResponse, StatusUpdate, WebhookPayload, WebhookValue } from '../../messaging/whatsapp/protocol';
import { faultGraphError, type FaultAction } from './faults';
import { GraphError, unknownObject } from './graph-error';
import { IdFactory, numberKey, toWaId } from './ids';
import { fakeVoiceNote, uploadProblem, type StoredMedia } from './media';
import type { ResolvedOptions } from './options';
import { PairLimiter, TokenBucket } from './rate';
import type { Scheduler } from './scheduler';
import { validateSend, type ReadReceipt, type ValidSend } from './send-validation';
import type { InboundRecord, OutboundRecord, SimulatorState } from './state';
import type { WebhookDispatcher } from './webhooks';

/** A Graph answer: status and JSON body. */
export interface GraphReply {
  http: number;
  body: unknown;
}

/** A citizen's action on the phone (POST /_sim/inbound and the phone page). */
export interface CitizenAction {
  from: string;
  type: 'button' | 'text' | 'list_reply' | 'button_reply' | 'audio';
  /** The wamid of our message replied to or tapped. */
  contextWamid?: string;
  /** Quick reply: payload and label; derived from the template when contextWamid is ours. */
  payload?: string;
  text?: string;
  /** Reply button or list row: id and title; derived from our message when contextWamid is ours. */
  id?: string;
  title?: string;
  description?: string;
  /** Which quick reply or reply button (0-based), instead of payload/text or id/title. */
  index?: number;
  /** Profile name in the webhook's contacts. */
  name?: string;
}

/** A citizen action the simulator cannot turn into a message (400 on /_sim/inbound). */
export class CitizenActionError extends Error {}

/** Default profile name: Devanagari, so webhooks carry escaped non-ASCII like real ones. */
const DEFAULT_PROFILE_NAME = 'नागरिक';
/** How long a media download URL stays valid (Meta: 5 minutes). */
const MEDIA_URL_TTL_MS = 5 * 60 * 1000;

/** The simulated Cloud API. */
export class CloudApi {
  private readonly ids = new IdFactory();
  private readonly throughput: TokenBucket | undefined;
  private readonly pairs: PairLimiter | undefined;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly state: SimulatorState,
    private readonly webhooks: WebhookDispatcher,
    private readonly scheduler: Scheduler,
    private readonly log: Logger,
  ) {
    const tps = o.throughputPerSecond;
    this.throughput = Number.isFinite(tps) && tps > 0 ? new TokenBucket(tps, 1000 / tps, o.now()) : undefined;
    this.pairs = o.pairRate ? new PairLimiter(o.pairRate) : undefined;
  }

  // -------------------------------------------------------------------------------------------------
  // Sending

  /** POST /{phone-number-id}/messages after authentication (and any injected fault). */
  send(raw: Record<string, unknown>, fault?: FaultAction): GraphReply {
    const now = this.o.now();
    try {
      if (fault && (fault.code !== undefined || fault.http !== undefined)) throw faultGraphError(fault);
      const valid = validateSend(raw, { mediaExists: (id) => this.liveMedia(id) !== undefined, countryCode: this.o.countryCode });
      if ('messageId' in valid) return this.readReceipt(valid);
      this.admit(valid, now);
      return { http: 200, body: this.accept(valid, raw, now) };
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
    if (send.type !== 'template' && !this.windowOpen(send.waId, now)) {
      throw new GraphError(131047, 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.');
    }
    if (this.throughput && !this.throughput.take(now)) {
      throw new GraphError(130429, `Cloud API message throughput has been reached (${this.o.throughputPerSecond} messages per second).`);
    }
    if (this.pairs && !this.pairs.take(send.waId, now)) {
      throw new GraphError(131056, 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.');
    }
  }

  private windowOpen(waId: string, now: number): boolean {
    const last = this.state.conversations.get(waId)?.lastInboundAtMs;
    return last !== undefined && now - last < this.o.customerServiceWindowMs;
  }

  private accept(send: ValidSend, raw: unknown, now: number): SendMessageResponse {
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
    };
    this.state.addAccepted(record);
    this.scheduleStatuses(record);
    this.log.debug({ wamid, type: send.type }, 'message accepted');
    return response;
  }

  private readReceipt(read: ReadReceipt): GraphReply {
    const inbound = this.state.inbound.get(read.messageId);
    if (!inbound) throw new GraphError(100, `Invalid message_id: ${read.messageId} is not a message received by this phone number.`);
    inbound.readByBusiness = true;
    this.state.conversation(inbound.waId).version += 1;
    return { http: 200, body: { success: true } };
  }

  // -------------------------------------------------------------------------------------------------
  // Statuses

  private scheduleStatuses(record: OutboundRecord): void {
    const d = this.o.statusDelaysMs;
    if (record.undeliverable) {
      // Meta reports 131026 asynchronously, as a `failed` status without a `sent` before it.
      this.scheduler.after(d.sent, () => this.emit(record, 'failed'));
      return;
    }
    this.scheduler.after(d.sent, () => this.emit(record, 'sent'));
    this.scheduler.after(Math.max(d.sent, d.delivered), () => this.delivered(record));
  }

  private delivered(record: OutboundRecord): void {
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

  /** The citizen opened the chat: every delivered message becomes read; the others as soon as delivered. */
  openChat(number: string): void {
    const c = this.state.conversations.get(numberKey(number, this.o.countryCode));
    for (const record of c?.outbound ?? []) {
      if (record.undeliverable || record.readScheduled) continue;
      if (record.delivered) this.scheduleRead(record);
      else record.readRequested = true;
    }
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
      ...(status === 'failed'
        ? {
            errors: [
              {
                code: 131026,
                title: 'Message undeliverable',
                message: 'Message undeliverable',
                error_data: { details: 'Message Undeliverable: the recipient phone number is not a WhatsApp phone number.' },
                href: 'https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes',
              },
            ],
          }
        : {}),
    };
    record.statuses.push(update);
    this.state.conversation(record.waId).version += 1;
    const payload = this.envelope({ statuses: [update] });
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

  private envelope(value: Omit<WebhookValue, 'messaging_product' | 'metadata'>): WebhookPayload {
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: this.o.wabaId,
          changes: [
            {
              field: 'messages',
              value: { messaging_product: 'whatsapp', metadata: { display_phone_number: this.o.displayPhoneNumber, phone_number_id: this.o.phoneNumberId }, ...value },
            },
          ],
        },
      ],
    };
  }

  // -------------------------------------------------------------------------------------------------
  // The citizen

  /** A citizen's message: recorded, opens the window, marks our messages read, sent as a signed webhook. */
  inbound(action: CitizenAction): InboundRecord {
    const waId = numberKey(action.from, this.o.countryCode);
    if (waId.length < 8 || waId.length > 15) throw new CitizenActionError('from must be a phone number');
    const context = action.contextWamid ? this.contextOf(action.contextWamid, waId) : undefined;
    const now = this.o.now();
    const wamid = this.ids.wamid(waId);
    const base = {
      ...(action.contextWamid ? { context: { from: this.o.displayPhoneNumber, id: action.contextWamid } } : {}),
      from: waId,
      id: wamid,
      timestamp: unixSeconds(now),
    };
    const message = { ...base, ...this.content(action, context, now) } as InboundMessage;
    const c = this.state.conversation(waId);
    const profileName = action.name ?? c.profileName ?? DEFAULT_PROFILE_NAME;
    // Replying means the chat is open on the phone: whatever was delivered is now read.
    this.openChat(waId);
    const record: InboundRecord = { seq: this.state.nextSeq(), wamid, waId, at: iso(now), atMs: now, message, profileName };
    this.state.addInbound(record);
    const payload = this.envelope({ contacts: [{ profile: { name: profileName }, wa_id: waId }], messages: [message] });
    const generation = this.webhooks.generation;
    c.inboundChain = (c.inboundChain ?? Promise.resolve()).then(() => this.webhooks.deliver(payload, generation));
    this.log.debug({ wamid, type: message.type }, 'citizen message');
    return record;
  }

  private contextOf(wamid: string, waId: string): ValidSend | undefined {
    const ours = this.state.messages.get(wamid);
    if (ours && ours.waId !== waId) throw new CitizenActionError('contextWamid is a message sent to another number');
    return ours?.send;
  }

  private content(a: CitizenAction, context: ValidSend | undefined, now: number): Record<string, unknown> {
    switch (a.type) {
      case 'text':
        if (!a.text) throw new CitizenActionError('text is required');
        return { type: 'text', text: { body: a.text } };
      case 'audio': {
        const media = this.storeMedia(fakeVoiceNote(now & 0x7fffffff), { mimeType: 'audio/ogg; codecs=opus', createdAt: now, origin: 'inbound' });
        return { type: 'audio', audio: { mime_type: 'audio/ogg; codecs=opus', sha256: media.sha256, id: media.id, voice: true } };
      }
      case 'button':
        return { type: 'button', button: quickReply(a, context) };
      case 'button_reply':
        return { type: 'interactive', interactive: { type: 'button_reply', button_reply: replyButton(a, context) } };
      case 'list_reply':
        return { type: 'interactive', interactive: { type: 'list_reply', list_reply: listRow(a, context) } };
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Media

  /** POST /{phone-number-id}/media with the multipart fields read. */
  upload(fields: { messagingProduct?: string; type?: string; file?: { bytes: Buffer; mimetype?: string; filename?: string } }): { id: string } {
    if (fields.messagingProduct === undefined) throw new GraphError(100, 'The parameter messaging_product is required.');
    if (fields.messagingProduct !== 'whatsapp') throw new GraphError(100, "Param messaging_product must be 'whatsapp'.");
    if (!fields.file) throw new GraphError(100, 'The parameter file is required.');
    if (!fields.type) throw new GraphError(100, 'The parameter type is required.');
    const problem = uploadProblem(fields.type, fields.file.mimetype, fields.file.bytes);
    if (problem) throw new GraphError(131053, problem);
    const media = this.storeMedia(fields.file.bytes, {
      mimeType: fields.type.split(';')[0]!.trim().toLowerCase(),
      createdAt: this.o.now(),
      origin: 'upload',
      ...(fields.file.filename ? { filename: fields.file.filename } : {}),
    });
    this.log.debug({ mediaId: media.id, bytes: media.fileSize }, 'media uploaded');
    return { id: media.id };
  }

  /** GET /{media-id}: metadata and a short-lived download URL. */
  mediaInfo(id: string, baseUrl: string) {
    const media = this.liveMedia(id);
    if (!media) throw unknownObject(id, 'get');
    const ext = String(Math.floor((this.o.now() + MEDIA_URL_TTL_MS) / 1000));
    const url = `${baseUrl}/lookaside/whatsapp_business/attachments/?mid=${id}&ext=${ext}&hash=${this.mediaHash(id, ext)}`;
    return { messaging_product: 'whatsapp' as const, url, mime_type: media.mimeType, sha256: media.sha256, file_size: media.fileSize, id };
  }

  /** The bytes behind a download URL, if the URL is genuine and unexpired and the bytes were kept. */
  download(mid: string, ext: string, hash: string): StoredMedia | undefined {
    if (hash !== this.mediaHash(mid, ext) || Number(ext) * 1000 < this.o.now()) return undefined;
    const media = this.liveMedia(mid);
    return media?.bytes ? media : undefined;
  }

  /** DELETE /{media-id}. */
  deleteMedia(id: string): { success: true } {
    if (!this.liveMedia(id) || !this.state.media.delete(id)) throw unknownObject(id, 'delete');
    return { success: true };
  }

  /** Media that exists and has not expired (Meta: ids live 30 days). */
  liveMedia(id: string): StoredMedia | undefined {
    const media = this.state.media.get(id);
    return media && this.o.now() - media.createdAt < this.o.mediaTtlMs ? media : undefined;
  }

  private storeMedia(bytes: Buffer, meta: Pick<StoredMedia, 'mimeType' | 'filename' | 'createdAt' | 'origin'>): StoredMedia {
    return this.state.media.put(this.ids.mediaId(), bytes, meta);
  }

  private mediaHash(id: string, ext: string): string {
    return createHmac('sha256', this.o.appSecret).update(`${id}:${ext}`).digest('base64url').slice(0, 22);
  }
}

function quickReply(a: CitizenAction, context: ValidSend | undefined): { payload: string; text: string } {
  if (a.payload !== undefined && a.text !== undefined) return { payload: a.payload, text: a.text };
  if (context?.type !== 'template') throw new CitizenActionError('payload and text are required unless contextWamid is one of our template messages');
  const replies = context.template.quickReplies;
  const index = a.index ?? replies.findIndex((r) => r.label === a.text || (r.payload ?? r.label) === a.payload);
  const reply = replies[index];
  if (!reply) throw new CitizenActionError('no such quick reply on that template (give index, text or payload)');
  // A payload given on the send comes back; without one Meta returns the label as payload.
  return { payload: a.payload ?? reply.payload ?? reply.label, text: a.text ?? reply.label };
}

function replyButton(a: CitizenAction, context: ValidSend | undefined): { id: string; title: string } {
  if (a.id !== undefined && a.title !== undefined) return { id: a.id, title: a.title };
  const buttons = context?.type === 'interactive' && context.interactive.type === 'button' ? context.interactive.action.buttons : undefined;
  if (!buttons) throw new CitizenActionError('id and title are required unless contextWamid is one of our reply-button messages');
  const button = a.index !== undefined ? buttons[a.index] : buttons.find((b) => b.reply.id === a.id || b.reply.title === a.title);
  if (!button) throw new CitizenActionError('no such reply button on that message (give index, id or title)');
  return { id: button.reply.id, title: button.reply.title };
}

function listRow(a: CitizenAction, context: ValidSend | undefined): { id: string; title: string; description?: string } {
  const rows = context?.type === 'interactive' && context.interactive.type === 'list' ? context.interactive.action.sections.flatMap((s) => s.rows) : undefined;
  if (a.id !== undefined && a.title !== undefined) return { id: a.id, title: a.title, ...(a.description !== undefined ? { description: a.description } : {}) };
  if (!rows) throw new CitizenActionError('id and title are required unless contextWamid is one of our list messages');
  const row = a.index !== undefined ? rows[a.index] : rows.find((r) => r.id === a.id || r.title === a.title);
  if (!row) throw new CitizenActionError('no such row in that list (give index, id or title)');
  return { id: row.id, title: row.title, ...(row.description !== undefined ? { description: row.description } : {}) };
}

function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
