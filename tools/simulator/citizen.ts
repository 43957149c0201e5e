/**
 * The citizen's side of the chat: a tap or a typed reply (POST /_sim/inbound and the phone page) becomes a
 * message in Meta's inbound shape, opens the customer service window, reads our messages, and goes to our
 * server as a signed webhook. Quick replies, reply buttons and list rows can be named by index against the
 * message tapped, as a real phone names them by what it shows.
 */
import type { Logger } from '../../lib/log';
import type { InboundMessage } from '../../messaging/whatsapp/protocol';
import { iso, unixSeconds, webhookEnvelope } from './envelope';
import { numberKey, type IdFactory } from './ids';
import { fakeVoiceNote } from './media';
import type { MediaApi } from './media-api';
import type { ResolvedOptions } from './options';
import type { ValidSend } from './send-validation';
import type { InboundRecord, SimulatorState } from './state';
import type { StatusLifecycle } from './statuses';
import type { WebhookDispatcher } from './webhooks';

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

/** What the citizen's phone sends. */
export class CitizenPhone {
  constructor(
    private readonly o: ResolvedOptions,
    private readonly state: SimulatorState,
    private readonly ids: IdFactory,
    private readonly media: MediaApi,
    private readonly statuses: StatusLifecycle,
    private readonly webhooks: WebhookDispatcher,
    private readonly log: Logger,
  ) {}

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
    this.statuses.openChat(waId);
    const record: InboundRecord = { seq: this.state.nextSeq(), wamid, waId, at: iso(now), atMs: now, message, profileName };
    this.state.addInbound(record);
    const payload = webhookEnvelope(this.o, { contacts: [{ profile: { name: profileName }, wa_id: waId }], messages: [message] });
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
        const media = this.media.store(fakeVoiceNote(now & 0x7fffffff), { mimeType: 'audio/ogg; codecs=opus', createdAt: now, origin: 'inbound' });
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
