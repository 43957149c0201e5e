/**
 * The ports the activities depend on, gathered from the modules that implement them (db/, messaging/, pdf/,
 * portal/), which never import this file: the worker wires them up, and TypeScript checks that they fit.
 */
import type { ChannelBreakerRepository } from '../db/repositories/channel-breakers';
import type { ClosureIntakeRepository } from '../db/repositories/closure-intake';
import type { ClosureRepository, StoredAtr } from '../db/repositories/closures';
import type { EscalationRepository, NewEscalation } from '../db/repositories/escalations';
import type { OutboundMessageRepository } from '../db/repositories/outbound-messages';
import type { PortalEventRepository } from '../db/repositories/portal-events';
import type { WebhookInboxRepository } from '../db/repositories/webhook-inbox';
import type { CitizenReplyRepository } from '../db/repositories/citizen-replies';
import type { VoiceNoteRepository } from '../db/repositories/voice-notes';
import type { CitizenMessage, Messenger, SmsSender } from '../messaging/model';
import type { AtrRenderer } from '../pdf/atr/render';

export type { AtrRenderer, CitizenMessage, Messenger, NewEscalation, SmsSender, StoredAtr };

/**
 * The system of record: closures, ATR documents and links, feedback, escalations (the department's inbox), and the
 * outbox of events for the portal. Its
 * methods and their shapes are the repositories' own, named once there.
 */
export type Store = Pick<
  ClosureRepository,
  | 'recordClosure'
  | 'getClosure'
  | 'liveCyclesBefore'
  | 'getDepartmentPolicy'
  | 'saveAtr'
  | 'getAtr'
  | 'getAtrSeal'
  | 'recordFeedback'
  | 'recordDetails'
  | 'recordOutcome'
  | 'createAtrLink'
  | 'getAtrLink'
  | 'feedbackChannelOf'
> &
  Pick<EscalationRepository, 'createEscalation'> &
  Pick<PortalEventRepository, 'appendEvents'> &
  /** The recorded facts that choose an acknowledgement's channel: SMS sends, and the citizen's last WhatsApp message. */
  Pick<OutboundMessageRepository, 'recordSmsSend' | 'smsLinkSentFor'> &
  Pick<WebhookInboxRepository, 'lastInboundAt'>;

/** The channels' circuit breakers, shared by every worker (db/repositories/channel-breakers.ts). */
export type ChannelBreakers = Pick<ChannelBreakerRepository, 'check' | 'get' | 'open' | 'close' | 'probeInconclusive'>;

/** The business counters ops watch (exported to Prometheus). Labels are codes, never personal data. */
export interface Metrics {
  increment(name: MetricName, labels?: Record<string, string>): void;
}

/** Counter names. */
export type MetricName = 'messages_sent' | 'feedback' | 'escalations' | 'sms_fallbacks' | 'outcomes' | 'delivery_blocked';

/** Counts nothing (tests that do not look at metrics). */
export const NO_METRICS: Metrics = { increment: () => undefined };

/** Structured logging. Never pass personal data (names, phones, comments). */
export interface Log {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

/**
 * Where personal data is erased: each repository's own erase and purge methods (the only SQL that names its
 * tables), side by side, so a purge or an erasure reaches every table.
 */
export interface ErasureStores {
  closures: Pick<ClosureRepository, 'closuresDueForErasure' | 'atrDigestsOf' | 'eraseClosures'>;
  escalations: Pick<EscalationRepository, 'eraseEscalations'>;
  messages: Pick<OutboundMessageRepository, 'eraseMessages' | 'deleteMedia' | 'purgeStaleSends'>;
  inbox: Pick<WebhookInboxRepository, 'eraseInbound' | 'purgeRelayedEvents' | 'eraseUnroutedMessages'>;
  intake: Pick<ClosureIntakeRepository, 'eraseFieldDigests'>;
  voiceNotes: Pick<VoiceNoteRepository, 'eraseVoiceNotes'>;
  replies: Pick<CitizenReplyRepository, 'eraseCitizenReplies'>;
}
