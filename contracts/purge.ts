/**
 * The retention contract (DPDP Act 2023: storage limitation, erasure on request): the daily purge workflow, its
 * Schedule, its activities with their inputs and results, and which closure fields are personal data.
 * Node-free, so the workflow sandbox can import it.
 */

/** The purge workflow's type name (part of the Schedule's action: rename only with a new Schedule). */
export const PURGE_WORKFLOW_TYPE = 'purgeWorkflow';

/** The one Schedule that runs the purge every day; its runs get this id with the scheduled time appended. */
export const PURGE_SCHEDULE_ID = 'sampark-atr-purge';

/**
 * The closure's personal fields, as dotted paths (the closure intake's field digests use the same paths). An
 * erased closure keeps its ids, dates, department, district, the citizen's language and the officer's
 * designation: what the reports and the ATR's verification need, and nothing that names anyone.
 */
export const PERSONAL_CLOSURE_FIELDS = ['citizen.name', 'citizen.phone', 'officer.name', 'subject', 'actionTaken', 'attachments'] as const;

/** A bounded step: touch at most `limit` rows of the step's driving table. */
export interface PurgeBatchInput {
  limit: number;
}

/** What erasing closures' personal data changed, per place (rows that held personal data; 0 when already erased). */
export interface ErasureCounts {
  /** Closures whose JSON lost its personal fields (this also marks them erased). */
  closures: number;
  /** ATR PDFs deleted (their metadata and seal digest stay, so the QR code still verifies). */
  documents: number;
  /** SMS links to the ATR expired now. */
  links: number;
  feedback: number;
  feedbackDetails: number;
  escalations: number;
  /** Messages we sent: recipient, body and the channel's error text removed. */
  outboundMessages: number;
  /** Messages the citizen sent: sender number and content removed. */
  inboundMessages: number;
  /** Raw webhook bodies that carried the citizen's messages, deleted. */
  webhookEvents: number;
  awaitedReplies: number;
  /** Pacing slots keyed by the citizen's number. */
  pacingSlots: number;
  /** Cached WhatsApp media ids of the ATR PDFs. */
  media: number;
  /** Closure intake rows that lost the digests of the personal fields. */
  intake: number;
  /** Voice notes deleted, audio and all. */
  voiceNotes: number;
  /** Records of our answers to the citizen's messages (when they wrote), deleted. */
  citizenReplies: number;
}

/** Raw webhook bodies deleted in one step. */
export interface PurgeWebhookEventsResult {
  deleted: number;
}

/** Rows kept only for a while whatever their closure: one step's counts. */
export interface PurgeStaleRowsResult {
  /** Inbound messages never routed to a closure, relayed more than the retention period ago, erased. */
  unroutedMessages: number;
  /** Media ids older than Meta keeps the upload. */
  media: number;
  /** Pacing slots long past. */
  pacingSlots: number;
  /** Awaited replies past their expiry. */
  awaitedReplies: number;
}

/** The purge's activities; the retention period and grace are the worker's configuration, not the workflow's. */
export interface PurgeActivities {
  /** Erases the personal data of up to `limit` closures whose outcome is older than the retention period. */
  purgeClosures(input: PurgeBatchInput): Promise<ErasureCounts>;
  /** Deletes up to `limit` raw webhook bodies whose messages and statuses were all relayed, after a grace. */
  purgeWebhookEvents(input: PurgeBatchInput): Promise<PurgeWebhookEventsResult>;
  /** Deletes or erases up to `limit` rows of each short-lived kind. */
  purgeStaleRows(input: PurgeBatchInput): Promise<PurgeStaleRowsResult>;
}

/** The purge workflow's input: none from the Schedule (no payload to encrypt or outlive its key). */
export interface PurgeInput {
  /** Rows per activity call (default 200). */
  batchSize?: number;
  /** Carried over continue-as-new. */
  carried?: PurgeResult;
}

/** What one purge did, in total. */
export interface PurgeResult {
  batches: number;
  closures: ErasureCounts;
  webhookEvents: number;
  stale: PurgeStaleRowsResult;
}

/** All-zero counts. */
export function noErasures(): ErasureCounts {
  return { closures: 0, documents: 0, links: 0, feedback: 0, feedbackDetails: 0, escalations: 0, outboundMessages: 0, inboundMessages: 0, webhookEvents: 0, awaitedReplies: 0, pacingSlots: 0, media: 0, intake: 0, voiceNotes: 0, citizenReplies: 0 };
}
