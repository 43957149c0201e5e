/**
 * Whose fault a failure is, and the failure types the activities raise: the contract between the channels, the
 * activities and the workflow on what may change a citizen's outcome (only the citizen's own unreachability).
 * Node-free.
 */

/**
 * Whose fault a channel error is. Only CITIZEN_UNREACHABLE may change a citizen's outcome; TRANSIENT is retried;
 * OUR_SIDE (credentials, permissions, account limits, a template that is missing, paused or disabled, payment,
 * a message that needed a template) holds the closure, visibly, until it is fixed.
 */
export const FAULT_CLASSES = ['CITIZEN_UNREACHABLE', 'TRANSIENT', 'OUR_SIDE'] as const;
/** A fault class. */
export type FaultClass = (typeof FAULT_CLASSES)[number];

/** The channels that carry messages to citizens. */
export const CHANNELS = ['whatsapp', 'sms'] as const;
/** A channel. */
export type Channel = (typeof CHANNELS)[number];

/** Why a closure's messages are held: a fault on our side, by channel and error code. No personal data. */
export interface DeliveryBlock {
  channel: Channel;
  /** `whatsapp:190`, `whatsapp:132015`, `sms:401`: also the DeliveryBlocked search attribute's value. */
  code: string;
  /** The channel's own words, for ops. */
  reason: string;
  since: string;
}

/** Failure types the activities raise as non-retryable; the workflow turns them into outcomes. */
export const FAILURES = {
  /** The closure stored for this workflow is missing or no longer valid. */
  invalidClosure: 'InvalidClosure',
  /** The channel says this number can never receive the message (WhatsApp 131026). */
  undeliverable: 'Undeliverable',
  /**
   * A fault on our side (FaultClass OUR_SIDE): the workflow holds the closure, shows it blocked and tries again
   * when the channel's circuit breaker lets it. Details: a DeliveryBlock.
   */
  deliveryBlocked: 'DeliveryBlocked',
  /** The channel is not configured here (no SMS gateway): no fallback, and never the citizen's outcome. */
  channelNotConfigured: 'ChannelNotConfigured',
  /** Quiet hours: no message to a citizen now; retried when they end (the failure carries nextRetryDelay). */
  quietHours: 'QuietHours',
} as const;
