/**
 * The relay: takes pending inbound messages and statuses from the inbox and signals the workflow they
 * belong to. Routing is never a guess: a status goes to the workflow that sent that wamid; a reply goes by
 * our button payload or list-row id (which carry the workflow id), else by `context.id` (the wamid it
 * replied to), else — for a comment typed without quoting — to the one workflow that asked this number
 * for a comment. Replies from a number that is not the grievance's citizen are ignored. While Temporal is
 * unreachable rows stay pending and are retried with backoff; several relays can run (SKIP LOCKED leases).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { FEEDBACK_REASONS, type FeedbackReason } from '../../contracts/closure';
import { citizenAnswerSignal } from '../../contracts/escalation';
import {
  deliveryStatusSignal,
  isAtrMessageKey,
  feedbackDetailsSignal,
  feedbackSignal,
  type DeliveryStatusSignal,
  type FeedbackDetailsSignal,
  type FeedbackSignal,
} from '../../contracts/workflow';
import { createClosureRepository, type ClosureRepository } from '../../db/repositories/closures';
import { createEscalationRepository, type EscalationRepository } from '../../db/repositories/escalations';
import { createOutboundMessageRepository, type OutboundMessageRepository } from '../../db/repositories/outbound-messages';
import {
  createWebhookInboxRepository,
  type ClaimedMessage,
  type ClaimedStatus,
  type RelaySettlement,
  type WebhookInboxRepository,
} from '../../db/repositories/webhook-inbox';
import { createCitizenReplyRepository } from '../../db/repositories/citizen-replies';
import type { Logger } from '../../lib/log';
import { whatsappFaultRule } from '../faults';
import type { Messenger } from '../model';
import { createOwnWords, type OwnWords } from './own-words';
import { TEMPLATE_TEXT, parsePayload, sameNumber, type InboundMessage, type WebhookError } from './protocol';
import type { VoiceNoteKeeper } from './voice-notes';

type Outcome = RelaySettlement;

/** Relay settings. */
export interface RelayOptions {
  pool: Pool;
  temporal: Client;
  log: Logger;
  batchSize?: number;
  /** How often to look for work when nothing wakes the relay. */
  pollMs?: number;
  /** A claimed row is retried after this lease if its relay died. */
  leaseSeconds?: number;
  /** Answers to messages that are not feedback (help, after the close); without it they are only recorded. */
  messenger?: Messenger;
  /** Downloads and stores voice notes before their comment is signalled; without it only the media id is kept. */
  voiceNotes?: VoiceNoteKeeper;
  metrics?: {
    relayed: { inc(labels: { kind: string; state: string }): void };
    statuses: { inc(labels: { status: string; purpose: string }): void };
  };
}

/** A status whose send is still in doubt waits this many relay attempts (about 25 minutes of backoff) for the send's record. */
const MAX_IN_DOUBT_ATTEMPTS = 12;

/** How long to wait before retrying a row whose workflow could not be signalled (Temporal down). */
function backoffSeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.min(attempts, 8));
}

const buttonTexts = (index: number) => new Set(Object.values(TEMPLATE_TEXT).flatMap((t) => [t.hi.buttons[index], t.en.buttons[index]].filter((b) => b !== undefined)));
const SATISFIED_TEXTS = buttonTexts(0);
const NOT_SATISFIED_TEXTS = buttonTexts(1);

/** The relay loop. */
export class WebhookRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly leaseSeconds: number;
  private readonly inbox: WebhookInboxRepository;
  private readonly messages: OutboundMessageRepository;
  private readonly closures: ClosureRepository;
  private readonly ownWords: OwnWords;
  private readonly escalations: EscalationRepository;

  constructor(private readonly opts: RelayOptions) {
    this.escalations = createEscalationRepository(opts.pool);
    this.inbox = createWebhookInboxRepository(opts.pool);
    this.messages = createOutboundMessageRepository(opts.pool);
    this.closures = createClosureRepository(opts.pool);
    this.ownWords = createOwnWords({
      temporal: opts.temporal,
      closures: this.closures,
      replies: createCitizenReplyRepository(opts.pool),
      ...(opts.messenger ? { messenger: opts.messenger } : {}),
      log: opts.log,
    });
    this.batchSize = opts.batchSize ?? 100;
    this.pollMs = opts.pollMs ?? 1_000;
    this.leaseSeconds = opts.leaseSeconds ?? 60;
  }

  /** Starts polling. */
  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Stops polling and waits for the current pass. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Runs a pass now (a webhook just arrived), or right after the current one. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (!this.stopped) this.timer = setTimeout(() => this.wake(), this.again ? 0 : this.pollMs);
      this.again = false;
    });
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopped && (await this.relayOnce()) === this.batchSize) {
        // a full batch: more may be waiting
      }
    } catch (err) {
      this.opts.log.warn({ err }, 'relay pass failed; will retry');
    }
  }

  /** One pass over pending rows; returns how many it handled. */
  async relayOnce(): Promise<number> {
    const messages = await this.inbox.claimMessages(this.batchSize, this.leaseSeconds);
    for (const row of messages) {
      const outcome = await this.safely(() => this.routeMessage(row));
      await (outcome ? this.inbox.settleMessage(row.wamid, outcome) : this.inbox.postponeMessage(row.wamid, backoffSeconds(row.attempts)));
      this.opts.metrics?.relayed.inc({ kind: 'message', state: outcome?.state ?? 'retry' });
    }
    const statuses = await this.inbox.claimStatuses(this.batchSize, this.leaseSeconds);
    for (const row of statuses) {
      const outcome = await this.safely(() => this.routeStatus(row));
      await (outcome ? this.inbox.settleStatus(row.wamid, row.status, outcome) : this.inbox.postponeStatus(row.wamid, row.status, backoffSeconds(row.attempts)));
      this.opts.metrics?.relayed.inc({ kind: 'status', state: outcome?.state ?? 'retry' });
    }
    return messages.length + statuses.length;
  }

  /** Routes, treating "Temporal unreachable" as "try again later" (undefined). */
  private async safely(route: () => Promise<Outcome | undefined>): Promise<Outcome | undefined> {
    try {
      return await route();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { state: 'closed', note: 'the workflow has ended' };
      this.opts.log.warn({ err: (err as Error).message }, 'relay could not signal; will retry');
      return undefined;
    }
  }

  private async workflowOfWamid(wamid: string | null | undefined): Promise<string | undefined> {
    return (await this.ourMessage(wamid))?.workflowId;
  }

  private async ourMessage(wamid: string | null | undefined): Promise<{ workflowId: string; purpose: string; key: string } | undefined> {
    if (!wamid) return undefined;
    const ours = await this.messages.findByMessageId(wamid);
    return ours ? { workflowId: ours.workflowId, purpose: ours.purpose, key: ours.idempotencyKey } : undefined;
  }

  /** Whether a send with this key is recorded but its wamid not yet (a worker died between Meta's answer and our record). */
  private async sendInDoubt(callbackData: string | null | undefined): Promise<boolean> {
    if (!callbackData) return false;
    return this.messages.isUnsettled(callbackData);
  }

  /** Undefined: try again later. */
  private async routeStatus(row: ClaimedStatus): Promise<Outcome | undefined> {
    const ours = await this.ourMessage(row.wamid);
    if (!ours) {
      // The retried send will record this wamid from the status's callback data: wait for it rather than drop the status.
      if (row.attempts < MAX_IN_DOUBT_ATTEMPTS && (await this.sendInDoubt(row.callbackData))) return undefined;
      return { state: 'unroutable', note: 'status of a message we have no record of' };
    }
    const { workflowId, purpose, key } = ours;
    this.opts.metrics?.statuses.inc({ status: row.status, purpose });
    const status = row.status.toUpperCase();
    if (!['SENT', 'DELIVERED', 'READ', 'FAILED'].includes(status)) return { state: 'ignored', note: `status ${row.status} is not tracked`, workflowId };
    // Each signal is a billed Temporal action: send only what changes the workflow (the ATR's progress, and a
    // resend's, whose outcome the resend update reports).
    if (!isAtrMessageKey(workflowId, key)) return { state: 'ignored', note: `status of a ${purpose} message: kept here, not signalled`, workflowId };
    if (status === 'SENT') return { state: 'ignored', note: 'the workflow marks the ATR sent when Meta accepts it', workflowId };
    // The ATR on the citizen's phone: its time, for the transparency dashboard (idempotent, keeps the earliest).
    if (status === 'DELIVERED' || status === 'READ') await this.closures.recordAtrOnPhone(workflowId, row.statusAt);
    const error = (row.errors as WebhookError[] | null)?.[0];
    // A failed status is classified by its code, like a synchronous error; one without a code is for a human to look at.
    const faultClass = status === 'FAILED' ? whatsappFaultRule(error?.code ?? -1).faultClass : undefined;
    const signal: DeliveryStatusSignal = {
      messageId: row.wamid,
      status: status as DeliveryStatusSignal['status'],
      at: row.statusAt.toISOString(),
      ...(error ? { errorCode: error.code, errorTitle: error.title ?? error.message ?? `error ${error.code}` } : {}),
      ...(faultClass ? { faultClass, permanent: faultClass === 'CITIZEN_UNREACHABLE' } : {}),
    };
    await this.opts.temporal.workflow.getHandle(workflowId).signal(deliveryStatusSignal, signal);
    return { state: 'delivered', workflowId };
  }

  private async routeMessage(row: ClaimedMessage): Promise<Outcome> {
    const m = row.message as InboundMessage;
    // A reply quoting an officer's question answers it, whatever else is going on with the grievance.
    const quotedAnswer = row.contextWamid ? await this.escalationAnswer(row, m, row.contextWamid) : undefined;
    if (quotedAnswer) return quotedAnswer;
    const interactive = m.type === 'interactive' ? (m as Extract<InboundMessage, { type: 'interactive' }>).interactive : undefined;
    const payloadText =
      m.type === 'button'
        ? (m as Extract<InboundMessage, { type: 'button' }>).button.payload
        : interactive?.type === 'button_reply'
          ? interactive.button_reply.id
          : interactive?.type === 'list_reply'
            ? interactive.list_reply.id
            : undefined;
    const payload = payloadText ? parsePayload(payloadText) : undefined;
    const addressed = payload?.workflowId ?? (await this.workflowOfWamid(row.contextWamid));
    // One live cycle: a reply to an older (superseded) cycle's message belongs to the grievance's newest live cycle.
    const newest = addressed ? await this.closures.newerLiveCycle(addressed) : undefined;
    const workflowId = newest ?? addressed ?? (await this.awaitedReply(row.fromWaId, m.type));
    if (!workflowId) return this.routeOwnWords(row);
    const routed = newest ? { note: `addressed to ${addressed}, an older cycle; routed to the newest live cycle` } : {};

    const phone = (await this.closures.getClosure(workflowId))?.citizen.phone;
    if (!phone) return { state: 'unroutable', note: 'no closure recorded for the workflow', workflowId };
    if (!sameNumber(row.fromWaId, phone)) return { state: 'ignored', note: 'reply from a number that is not the grievance citizen', workflowId };

    const receivedAt = row.sentAt.toISOString();
    const rating = m.type === 'button' ? ratingOf(payload, (m as Extract<InboundMessage, { type: 'button' }>).button.text) : payload?.kind === 'FB' ? ratingOf(payload) : undefined;
    try {
      if (rating) {
        await this.signalFeedback(workflowId, { messageId: m.id, rating, channel: 'whatsapp', receivedAt });
        return { state: 'delivered', workflowId, ...routed };
      }
      const details = detailsOf(m, payload, receivedAt);
      if (!details) return { state: 'ignored', note: `a ${m.type} message carries no feedback`, workflowId };
      await this.signalDetails(workflowId, row, details);
      return { state: 'delivered', workflowId, ...routed };
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      return { state: 'closed', workflowId, note: `the workflow has ended; ${(await this.ownWords.answerAfterClose(row, workflowId)).note}` };
    }
  }

  /** A message that names no grievance: a typed rating, a comment or voice note awaited, or an answer from us. */
  private async routeOwnWords(row: ClaimedMessage): Promise<Outcome> {
    const m = row.message as InboundMessage;
    const verdict = await this.ownWords.read(row);
    const receivedAt = row.sentAt.toISOString();
    if (verdict.kind === 'stranger' || verdict.kind === 'answer') {
      // Not a rating or awaited details: the answer to the one officer's question pending for this phone, if any.
      const pendingAnswer = row.contextWamid ? undefined : await this.escalationAnswer(row, m);
      if (pendingAnswer) return pendingAnswer;
    }
    switch (verdict.kind) {
      case 'stranger':
        return { state: 'unroutable', note: 'no payload, context or awaited reply ties this message to a grievance' };
      case 'rating':
        await this.signalFeedback(verdict.workflowId, { messageId: m.id, rating: verdict.rating, channel: 'whatsapp', receivedAt });
        return { state: 'delivered', workflowId: verdict.workflowId, note: 'typed rating: the one closure awaiting a rating' };
      case 'details': {
        const details = detailsOf(m, undefined, receivedAt)!;
        await this.signalDetails(verdict.workflowId, row, details);
        return { state: 'delivered', workflowId: verdict.workflowId, note: 'the one closure awaiting details' };
      }
      case 'answer': {
        const { note } = await this.ownWords.answer(row, verdict.closure, verdict.reply);
        return { state: verdict.reply === 'AFTER_CLOSE' ? 'closed' : 'ignored', workflowId: verdict.closure.workflowId, note };
      }
    }
  }

  private async signalFeedback(workflowId: string, feedback: FeedbackSignal): Promise<void> {
    await this.opts.temporal.workflow.getHandle(workflowId).signal(feedbackSignal, feedback);
  }

  /** Keeps a voice note's audio first (while its media id is valid), then signals the details. */
  private async signalDetails(workflowId: string, row: ClaimedMessage, details: FeedbackDetailsSignal): Promise<void> {
    if (details.voiceMediaId && this.opts.voiceNotes) {
      await this.opts.voiceNotes.keep({ mediaId: details.voiceMediaId, workflowId, messageId: row.wamid, receivedAt: row.sentAt, attempts: row.attempts });
    }
    await this.opts.temporal.workflow.getHandle(workflowId).signal(feedbackDetailsSignal, details);
  }

  /**
   * A citizen's text answer to an officer's question (matched by the quoted message, else as the only question pending
   * for the number): stored with the question, then signalled to the escalation. Undefined when it answers none.
   */
  private async escalationAnswer(row: ClaimedMessage, m: InboundMessage, quoted?: string): Promise<Outcome | undefined> {
    if (m.type !== 'text') return undefined;
    const from = `+${row.fromWaId.replace(/\D/g, '')}`;
    const question = await this.escalations.findQuestionForReply(from, quoted);
    if (!question) return undefined;
    const text = (m as Extract<InboundMessage, { type: 'text' }>).text.body.slice(0, 2000);
    await this.escalations.recordAnswer(question.questionId, m.id, text);
    await this.opts.temporal.workflow
      .getHandle(question.escalationWorkflowId)
      .signal(citizenAnswerSignal, { questionId: question.questionId, messageId: m.id, receivedAt: row.sentAt.toISOString() });
    return { state: 'delivered', workflowId: question.escalationWorkflowId, note: 'answer to an officer\'s question' };
  }

  /** The one workflow that asked this number for a comment, if exactly one is waiting (text and voice only). */
  private async awaitedReply(from: string, type: string): Promise<string | undefined> {
    if (type !== 'text' && type !== 'audio') return undefined;
    const waiting = await this.messages.workflowsAwaitingReply(from);
    return waiting.length === 1 ? waiting[0] : undefined;
  }
}

function ratingOf(payload: ReturnType<typeof parsePayload>, buttonText?: string): FeedbackSignal['rating'] | undefined {
  if (payload?.kind === 'FB' && (payload.value === 'SATISFIED' || payload.value === 'NOT_SATISFIED')) return payload.value;
  // Meta's reference shows button.payload equal to the label; accept our labels too.
  if (buttonText && SATISFIED_TEXTS.has(buttonText)) return 'SATISFIED';
  if (buttonText && NOT_SATISFIED_TEXTS.has(buttonText)) return 'NOT_SATISFIED';
  return undefined;
}

function detailsOf(m: InboundMessage, payload: ReturnType<typeof parsePayload>, receivedAt: string): FeedbackDetailsSignal | undefined {
  if (payload?.kind === 'REASON' && (FEEDBACK_REASONS as readonly string[]).includes(payload.value)) return { messageId: m.id, reason: payload.value as FeedbackReason, receivedAt };
  if (m.type === 'text') return { messageId: m.id, comment: (m as Extract<InboundMessage, { type: 'text' }>).text.body.slice(0, 2000), receivedAt };
  if (m.type === 'audio') return { messageId: m.id, voiceMediaId: (m as Extract<InboundMessage, { type: 'audio' }>).audio.id, receivedAt };
  return undefined;
}
