/**
 * The ATR activities: small async functions over the ports, implementing the contract the workflow
 * proxies (AtrActivities in contracts/activities: one named input and one named result each).
 */
import { createHash, randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type {
  AcknowledgeFeedbackInput,
  AcknowledgeFeedbackResult,
  AskForCommentInput,
  AskForCommentResult,
  AskForReasonInput,
  AskForReasonResult,
  AtrActivities,
  DeliverAtrInput,
  DeliverAtrResult,
  EscalateInput,
  EscalateResult,
  RecordClosureInput,
  RecordClosureResult,
  RecordDetailsInput,
  RecordDetailsResult,
  RecordFeedbackInput,
  RecordFeedbackResult,
  RecordOutcomeInput,
  RecordPortalEventInput,
  RecordPortalEventResult,
  RecordOutcomeResult,
  RenderAtrInput,
  RenderAtrResult,
  ResendAtrInput,
  ResendAtrResult,
  SendReminderInput,
  SendReminderResult,
  SendSmsFallbackInput,
  SendSmsFallbackResult,
} from '../contracts/activities';
import type { Closure } from '../contracts/closure';
import { portalEventId, type PortalEventDataMap, type PortalEventType } from '../contracts/events';
import { FAILURES, atrMessageKey, atrResendKey, type FeedbackPolicy } from '../contracts/workflow';
import { reasonsOffered } from '../config/policy';
import { SMS_ATR_LINK } from '../db/repositories/outbound-messages';
import { smsAcknowledgementText, smsText } from '../messaging/wording';
import { verificationUrl, type AtrSealer } from '../pdf/seal';
import type { AtrRenderer, ChannelBreakers, CitizenMessage, Log, Messenger, Metrics, SmsSender, Store } from './ports';
import { createSendGuard } from './send-guard';

export type * from './ports';

/** What the activities need from the outside world. */
export interface ActivityDeps {
  store: Store;
  messenger: Messenger;
  renderer: AtrRenderer;
  log: Log;
  metrics: Metrics;
  /** The state-wide default feedback policy (from configuration). */
  defaultPolicy: FeedbackPolicy;
  /** Seals each ATR so its QR code can prove it genuine. */
  sealer: AtrSealer;
  /** Where citizens reach the API (the QR code's verification link and the SMS link). */
  publicBaseUrl: string;
  /** The SMS fallback; without it there is none (ChannelNotConfigured), which is never the citizen's outcome. */
  sms?: SmsSender;
  /** The channels' circuit breakers, shared by every worker. */
  breakers: ChannelBreakers;
  /** How long an SMS link to the ATR stays valid. */
  atrLinkTtlHours: number;
}

/**
 * WhatsApp's customer service window is 24 hours from the citizen's last message; free-form text goes only well
 * inside it, leaving room for the activity's own retries and the pair-rate wait.
 */
const FREE_FORM_WINDOW_MS = 23 * 3_600_000;

/** How an acknowledgement reaches the citizen. */
type AckRoute = 'whatsapp-text' | 'whatsapp-template' | 'sms';

/** The hash under which an ATR link token is stored (the token itself only travels in the SMS). */
export function atrLinkHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Builds the activities over their ports. */
export function createActivities({ store, messenger, renderer, log, metrics, defaultPolicy, sealer, publicBaseUrl, sms, breakers, atrLinkTtlHours }: ActivityDeps): AtrActivities {
  const { policyOf, refuseInQuietHours, guarded } = createSendGuard({ store, breakers, metrics, log, defaultPolicy });

  async function loadClosure(workflowId: string): Promise<Closure> {
    const closure = await store.getClosure(workflowId);
    if (!closure) throw ApplicationFailure.nonRetryable(`no closure recorded for ${workflowId}`, FAILURES.invalidClosure);
    return closure;
  }

  async function sendToCitizen(workflowId: string, idempotencyKey: string, build: (c: Closure) => CitizenMessage) {
    const closure = await loadClosure(workflowId);
    await refuseInQuietHours(closure, workflowId);
    const message = build(closure);
    const result = await guarded('whatsapp', workflowId, () =>
      messenger.send({ idempotencyKey, workflowId, to: closure.citizen.phone, language: closure.citizen.language, message }),
    );
    metrics.increment('messages_sent', { purpose: message.kind, department: closure.department.code });
    return result;
  }

  /**
   * Appends one event about this closure to the portal's outbox; its id comes from the workflow, the type and the
   * discriminator, so a retried activity appends nothing new.
   */
  async function publish<T extends PortalEventType>(closure: Closure, workflowId: string, type: T, data: PortalEventDataMap[T], discriminator?: string) {
    const event = { id: portalEventId(workflowId, type, discriminator), type, grievanceId: closure.grievanceId, cycle: closure.cycle, data };
    await store.appendEvents([event as Parameters<Store['appendEvents']>[0][number]]);
  }

  /**
   * The citizen's link page token for the closure, its hash recorded (idempotent) before any message carries it.
   * The same token for every send of the closure; it expires with the run's feedback (recordOutcome).
   */
  async function linkTokenFor(workflowId: string): Promise<string> {
    const token = sealer.linkToken(workflowId);
    await store.createAtrLink({ tokenHash: atrLinkHash(token), workflowId, expiresAt: new Date(Date.now() + atrLinkTtlHours * 3_600_000) });
    return token;
  }

  /** The acknowledgement's channel, from what is recorded (never the workflow's say). */
  async function ackRoute(workflowId: string, feedbackMessageId: string): Promise<AckRoute> {
    const closure = await loadClosure(workflowId);
    const lastWrote = await store.lastInboundAt(closure.citizen.phone);
    if (lastWrote && Date.now() - lastWrote.getTime() < FREE_FORM_WINDOW_MS) return 'whatsapp-text';
    const onSms = (await store.feedbackChannelOf(workflowId, feedbackMessageId)) === 'sms-link' || (await store.smsLinkSentFor(workflowId));
    return onSms && sms ? 'sms' : 'whatsapp-template';
  }

  /** Sends the stored ATR document under `idempotencyKey` (the first send and each resend have their own). */
  async function sendAtr(workflowId: string, atrId: string, idempotencyKey: string) {
    const atr = await store.getAtr(atrId);
    if (!atr) throw ApplicationFailure.nonRetryable(`ATR ${atrId} is not stored`, FAILURES.invalidClosure);
    const linkToken = await linkTokenFor(workflowId);
    return sendToCitizen(workflowId, idempotencyKey, (c) => ({
      kind: 'ATR',
      grievanceId: c.grievanceId,
      departmentName: c.citizen.language === 'hi' ? (c.department.nameHi ?? c.department.nameEn) : c.department.nameEn,
      atrId,
      fileName: `ATR-${c.grievanceId}.pdf`,
      pdf: atr.bytes,
      linkToken,
    }));
  }

  return {
    /**
     * Records the closure, works out its feedback policy (defaults, then department, then closure) and lists
     * the grievance's older cycles still live, which this one supersedes.
     */
    async recordClosure({ workflowId, closure }: RecordClosureInput): Promise<RecordClosureResult> {
      // The closure was validated by the client; the department's row is stored data, so it is checked here.
      await store.recordClosure(workflowId, closure);
      const policy = await policyOf(closure, workflowId);
      // One live cycle per grievance: the workflow ends these older ones SUPERSEDED.
      const supersedes = await store.liveCyclesBefore(closure.grievanceId, closure.cycle);
      log.info({ workflowId, departmentCode: closure.department.code, supersedes }, 'closure recorded');
      return { policy, supersedes };
    },

    /** Renders the sealed ATR PDF and stores it; returns its id and fingerprint, never the bytes. */
    async renderAtr({ workflowId }: RenderAtrInput): Promise<RenderAtrResult> {
      const closure = await loadClosure(workflowId);
      const atrId = closure.atrNumber ?? workflowId;
      const seal = sealer.seal(closure, atrId);
      const { pdf, pageCount } = await renderer.render(closure, { atrId, verificationUrl: verificationUrl(publicBaseUrl, seal) });
      const sha256 = createHash('sha256').update(pdf).digest('hex');
      await store.saveAtr({ atrId, workflowId, bytes: pdf, sha256, pageCount, contentDigest: seal.digest, sealKeyId: seal.keyId });
      log.info({ workflowId, atrId, bytes: pdf.byteLength, pageCount }, 'ATR rendered');
      return { atrId, sha256, byteLength: pdf.byteLength };
    },

    /** Sends the ATR document to the citizen. */
    async deliverAtr({ workflowId, atrId }: DeliverAtrInput): Promise<DeliverAtrResult> {
      const result = await sendAtr(workflowId, atrId, atrMessageKey(workflowId));
      log.info({ workflowId, messageId: result.messageId }, 'ATR sent');
      return result;
    },

    /** Sends the ATR again on an operator's request (the n-th resend is its own message). */
    async resendAtr({ workflowId, atrId, number }: ResendAtrInput): Promise<ResendAtrResult> {
      const result = await sendAtr(workflowId, atrId, atrResendKey(workflowId, number));
      log.info({ workflowId, number, messageId: result.messageId }, 'ATR sent again');
      return result;
    },

    /** Reminds the citizen that their feedback is awaited. */
    async sendReminder({ workflowId, number }: SendReminderInput): Promise<SendReminderResult> {
      const linkToken = await linkTokenFor(workflowId);
      const result = await sendToCitizen(workflowId, `${workflowId}:reminder:${number}`, (c) => ({
        kind: 'REMINDER',
        grievanceId: c.grievanceId,
        number,
        linkToken,
      }));
      log.info({ workflowId, number, messageId: result.messageId }, 'reminder sent');
      return result;
    },

    /**
     * Thanks the citizen, or tells them what happens next, by the channel the recorded facts call for: free-form
     * WhatsApp inside the 24-hour window of their last message, SMS for a citizen on SMS (the ATR link went by SMS,
     * or they answered on the link page), else WhatsApp's approved template.
     */
    async acknowledgeFeedback({ workflowId, feedbackMessageId, ack, level }: AcknowledgeFeedbackInput): Promise<AcknowledgeFeedbackResult> {
      const idempotencyKey = `${workflowId}:ack:${feedbackMessageId}`;
      const route = await ackRoute(workflowId, feedbackMessageId);
      log.info({ workflowId, ack, route }, 'acknowledging feedback');
      if (route === 'sms') {
        const closure = await loadClosure(workflowId);
        await refuseInQuietHours(closure, workflowId);
        const { phone, language } = closure.citizen;
        const sent = await guarded('sms', workflowId, () => sms!.send({ reference: idempotencyKey, to: phone, text: smsAcknowledgementText(closure.grievanceId, language, ack, level) }));
        await store.recordSmsSend({ idempotencyKey, messageId: sent.messageId, workflowId, purpose: 'ACKNOWLEDGEMENT', recipient: phone, language });
        metrics.increment('messages_sent', { purpose: 'ACKNOWLEDGEMENT', department: closure.department.code });
        return sent;
      }
      return sendToCitizen(workflowId, idempotencyKey, (c) => ({
        kind: 'ACKNOWLEDGEMENT',
        grievanceId: c.grievanceId,
        ack,
        ...(level ? { level } : {}),
        ...(route === 'whatsapp-template' ? { outsideWindow: true } : {}),
      }));
    },

    /** After "not satisfied" on WhatsApp: offers the list of reasons. */
    async askForReason({ workflowId }: AskForReasonInput): Promise<AskForReasonResult> {
      const closure = await loadClosure(workflowId);
      const reasons = reasonsOffered(await store.getDepartmentPolicy(closure.department.code), closure.feedbackPolicy);
      return sendToCitizen(workflowId, `${workflowId}:ask-reason`, (c) => ({ kind: 'REASON_LIST', grievanceId: c.grievanceId, reasons }));
    },

    /** After the reason: invites a comment or a voice note. */
    async askForComment({ workflowId, level, commentRequired }: AskForCommentInput): Promise<AskForCommentResult> {
      return sendToCitizen(workflowId, `${workflowId}:ask-comment`, (c) => ({ kind: 'COMMENT_PROMPT', grievanceId: c.grievanceId, level, ...(commentRequired ? { commentRequired } : {}) }));
    },

    /**
     * WhatsApp cannot reach the citizen: texts them a link to a page with the ATR and the feedback buttons.
     * The link is unguessable (128 random bits) and expires; only its hash is stored.
     */
    async sendSmsFallback({ workflowId, resend }: SendSmsFallbackInput): Promise<SendSmsFallbackResult> {
      if (!sms) throw ApplicationFailure.nonRetryable('no SMS gateway is configured (SMS_MODE=off)', FAILURES.channelNotConfigured);
      const closure = await loadClosure(workflowId);
      await refuseInQuietHours(closure, workflowId);
      const { messageId } = await guarded('sms', workflowId, async () => {
        // A link per attempt that reaches the gateway: the gateway keeps the first SMS of a reference, and an
        // unused link only expires.
        const token = randomBytes(16).toString('base64url');
        await store.createAtrLink({ tokenHash: atrLinkHash(token), workflowId, expiresAt: new Date(Date.now() + atrLinkTtlHours * 3_600_000) });
        const link = `${publicBaseUrl.replace(/\/$/, '')}/atr/${token}`;
        const reference = resend ? `${workflowId}:sms:resend:${resend}` : `${workflowId}:sms`;
        const sent = await sms.send({ reference, to: closure.citizen.phone, text: smsText(closure.grievanceId, closure.citizen.language, link) });
        // Recorded: an acknowledgement later goes to this citizen by SMS too.
        await store.recordSmsSend({ idempotencyKey: reference, messageId: sent.messageId, workflowId, purpose: SMS_ATR_LINK, recipient: closure.citizen.phone, language: closure.citizen.language });
        return sent;
      });
      log.info({ workflowId, messageId }, 'SMS fallback sent');
      metrics.increment('sms_fallbacks', { department: closure.department.code });
      return { messageId };
    },

    /** Records a feedback, decisive or not, exactly once per message id. */
    async recordFeedback(input: RecordFeedbackInput): Promise<RecordFeedbackResult> {
      const closure = await loadClosure(input.workflowId);
      const { inserted, departmentCode } = await store.recordFeedback(input);
      const { messageId, rating, reason, channel, receivedAt } = input.feedback;
      // After the feedback's row: a retry after a failure here finds the row and appends the event then.
      await publish(closure, input.workflowId, 'feedback.received', { workflowId: input.workflowId, messageId, rating, ...(reason ? { reason } : {}), channel, decisive: input.decisive, late: input.late, receivedAt }, messageId);
      if (inserted) metrics.increment('feedback', { rating, channel, decisive: String(input.decisive), late: String(input.late), department: departmentCode ?? 'unknown' });
      log.info(
        { workflowId: input.workflowId, rating: input.feedback.rating, channel: input.feedback.channel, decisive: input.decisive, late: input.late },
        'feedback recorded',
      );
      return { inserted };
    },

    /** Records a reason, comment or voice note that came after its feedback had been handled. */
    async recordDetails(input: RecordDetailsInput): Promise<RecordDetailsResult> {
      const result = await store.recordDetails(input);
      log.info({ workflowId: input.workflowId, escalationId: input.escalationId }, 'feedback details recorded');
      return result;
    },

    /** Puts the escalation in the department's inbox (a row), at the level the cycle calls for. */
    async escalate({ workflowId, level, feedback, vigilance = false }: EscalateInput): Promise<EscalateResult> {
      const closure = await loadClosure(workflowId);
      const { escalationId, created } = await store.createEscalation({
        escalationId: `esc-${workflowId}`,
        workflowId,
        grievanceId: closure.grievanceId,
        cycle: closure.cycle,
        level,
        departmentCode: closure.department.code,
        districtCode: closure.district.code,
        feedbackMessageId: feedback.messageId,
        reason: feedback.reason,
        comment: feedback.comment,
        voiceMediaId: feedback.voiceMediaId,
        vigilance,
      });
      const reason = feedback.reason ? { reason: feedback.reason } : {};
      // The escalation's own workflow tells the portal of it (escalation.raised, with its SLA); this is the reopen.
      await publish(closure, workflowId, 'grievance.reopen', { workflowId, escalationId, level, ...reason });
      log.info({ workflowId, escalationId, level, vigilance, created }, 'escalated');
      if (created) metrics.increment('escalations', { level: String(level), department: closure.department.code, district: closure.district.code });
      return { escalationId };
    },

    /** Appends an event the workflow saw (a delivery receipt, a block, the SMS link): idempotent on its id. */
    async recordPortalEvent({ event }: RecordPortalEventInput): Promise<RecordPortalEventResult> {
      const appended = (await store.appendEvents([event])) === 1;
      log.info({ eventId: event.id, type: event.type, appended }, 'portal event recorded');
      return { appended };
    },

    /** Records how the closure ended, for reports. */
    async recordOutcome({ workflowId, outcome, reason, linksCloseAt }: RecordOutcomeInput): Promise<RecordOutcomeResult> {
      const closure = await loadClosure(workflowId);
      await store.recordOutcome(workflowId, outcome, reason, linksCloseAt);
      await publish(closure, workflowId, 'closure.outcome', { workflowId, outcome, ...(reason ? { reason } : {}) });
      metrics.increment('outcomes', { outcome });
      log.info({ workflowId, outcome }, 'outcome recorded');
      return { recorded: true };
    },
  };
}
