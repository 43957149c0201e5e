/**
 * The retention activities (PurgeActivities in contracts/purge): small functions over the repositories' erase
 * and purge methods. Each call touches a bounded number of rows, so a state's backlog is many short
 * statements, never one huge transaction; every step is idempotent, because activities are retried.
 * eraseWorkflows is also what `sampark-atr erase` runs for one grievance.
 */
import { PERSONAL_CLOSURE_FIELDS, type ErasureCounts, type PurgeActivities } from '../contracts/purge';
import type { ErasureStores, Log } from './ports';

/**
 * Days a raw webhook body is kept after it arrived, once everything it carried was relayed: long enough to
 * re-parse a week's webhooks after a parser bug or look into a disputed delivery over a long weekend (Meta
 * itself redelivers for up to 7 days), short enough that the citizen's words are not kept twice for months.
 */
export const RAW_WEBHOOK_GRACE_DAYS = 7;

/** Meta keeps an uploaded media file 30 days; a media id older than that stands for nothing. */
export const MEDIA_KEEP_DAYS = 30;

/** Who erased, as recorded on the closure: the daily purge. */
export const RETENTION_ERASER = 'retention';

/**
 * Erases the personal data of these closures everywhere we hold it. The closure rows are marked erased last, so
 * a crash midway leaves them due and the next attempt finishes the job.
 */
export async function eraseWorkflows(stores: ErasureStores, workflowIds: readonly string[], erasedBy: string): Promise<ErasureCounts> {
  const digests = await stores.closures.atrDigestsOf(workflowIds);
  const sent = await stores.messages.eraseMessages(workflowIds);
  const inbound = await stores.inbox.eraseInbound(workflowIds, sent.messageIds);
  const escalations = await stores.escalations.eraseEscalations(workflowIds);
  const voiceNotes = await stores.voiceNotes.eraseVoiceNotes(workflowIds);
  const citizenReplies = await stores.replies.eraseCitizenReplies(workflowIds);
  const media = await stores.messages.deleteMedia(digests);
  const intake = await stores.intake.eraseFieldDigests(workflowIds, PERSONAL_CLOSURE_FIELDS);
  const closures = await stores.closures.eraseClosures(workflowIds, erasedBy);
  return {
    ...closures,
    escalations,
    outboundMessages: sent.messages,
    inboundMessages: inbound.messages,
    webhookEvents: inbound.events,
    awaitedReplies: sent.awaitedReplies,
    pacingSlots: sent.pacingSlots,
    media,
    intake,
    voiceNotes,
    citizenReplies,
  };
}

/** What the purge activities need. */
export interface PurgeDeps {
  stores: ErasureStores;
  /** Days after a closure's outcome before its personal data is erased (RETENTION_DAYS). */
  retentionDays: number;
  log: Log;
}

/** Builds the purge activities. */
export function createPurgeActivities({ stores, retentionDays, log }: PurgeDeps): PurgeActivities {
  return {
    async purgeClosures({ limit }) {
      const due = await stores.closures.closuresDueForErasure(retentionDays, limit);
      const counts = await eraseWorkflows(stores, due, RETENTION_ERASER);
      // Counts only: a workflow id names a grievance, not a person, but a list of them adds nothing here.
      if (due.length) log.info({ retentionDays, due: due.length, ...counts }, 'personal data erased after retention');
      // The workflow loops while a batch is full: each erased closure is marked, so it is never due again.
      return counts;
    },

    async purgeWebhookEvents({ limit }) {
      const deleted = await stores.inbox.purgeRelayedEvents(RAW_WEBHOOK_GRACE_DAYS, limit);
      if (deleted) log.info({ deleted, graceDays: RAW_WEBHOOK_GRACE_DAYS }, 'raw webhook bodies deleted');
      return { deleted };
    },

    async purgeStaleRows({ limit }) {
      const unroutedMessages = await stores.inbox.eraseUnroutedMessages(retentionDays, limit);
      const stale = await stores.messages.purgeStaleSends(MEDIA_KEEP_DAYS, limit);
      const result = { unroutedMessages, ...stale };
      if (Object.values(result).some(Boolean)) log.info(result, 'stale rows purged');
      return result;
    },
  };
}
