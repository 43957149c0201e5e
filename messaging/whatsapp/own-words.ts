/**
 * The citizen's own words: what the relay does with a message that names no grievance (no button payload, no
 * quoted message of ours, no comment we asked for), and how it answers a message it cannot take as feedback.
 * Never a guess: a typed rating counts only when exactly one of the citizen's closures awaits a rating, a
 * comment or voice note only when exactly one awaits details; anything else gets a short answer in the
 * citizen's language (inside the 24-hour window by definition: the citizen just wrote), and a reply after the
 * close gets the grievance's outcome and how to raise a new one, recorded for ops.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { stateQuery, type AtrState, type Outcome, type Stage } from '../../contracts/workflow';
import type { CitizenClosure, ClosureRepository } from '../../db/repositories/closures';
import type { CitizenReplyKind, CitizenReplyRepository } from '../../db/repositories/citizen-replies';
import type { ClaimedMessage } from '../../db/repositories/webhook-inbox';
import type { Logger } from '../../lib/log';
import type { Messenger } from '../model';
import { understoodRating } from '../wording/understood-replies';
import { toE164, type InboundMessage } from './protocol';

/** What the citizen's own words come to: a signal for one closure, or an answer from us. */
export type OwnWordsVerdict =
  | { kind: 'rating'; workflowId: string; rating: 'SATISFIED' | 'NOT_SATISFIED' }
  | { kind: 'details'; workflowId: string }
  | { kind: 'answer'; closure: CitizenClosure; reply: CitizenReplyKind }
  | { kind: 'stranger' };

/** Message types a citizen sends on purpose (reactions, system notices and the like get no answer). */
const ANSWERABLE = new Set(['text', 'audio', 'image', 'video', 'document', 'sticker', 'location', 'contacts', 'button', 'interactive']);

/** What the own-words reader needs. */
export interface OwnWordsDeps {
  temporal: Client;
  closures: Pick<ClosureRepository, 'closuresOfCitizen'>;
  replies: Pick<CitizenReplyRepository, 'recordCitizenReply' | 'markAnswered'>;
  /** How answers go (free-form inside the window); without one they are recorded, not sent. */
  messenger?: Messenger;
  log: Logger;
}

/** Creates the reader of the citizen's own words. */
export function createOwnWords({ temporal, closures, replies, messenger, log }: OwnWordsDeps) {
  /** A live run's stage; undefined when the run has ended (a query on an ended run is still answered, so ask the stage). */
  const stageOf = async (workflowId: string): Promise<Stage | undefined> => {
    try {
      const handle = temporal.workflow.getHandle(workflowId);
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') return undefined;
      return ((await handle.query(stateQuery)) as AtrState).stage;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err; // Temporal unreachable: the relay tries the row again later
    }
  };

  return {
    /** Where a message that names no grievance belongs, decided from the citizen's closures and their stages. */
    async read(row: ClaimedMessage): Promise<OwnWordsVerdict> {
      const m = row.message as InboundMessage;
      const mine = await closures.closuresOfCitizen(row.fromWaId.replace(/\D/g, ''));
      if (!mine.length || !ANSWERABLE.has(m.type)) return { kind: 'stranger' };
      const live = mine.filter((c) => !c.outcome);
      const stages = await Promise.all(live.map(async (c) => ({ closure: c, stage: await stageOf(c.workflowId) })));
      const awaiting = (stage: Stage) => stages.filter((s) => s.stage === stage).map((s) => s.closure);
      const [rating, details] = [awaiting('AWAITING_FEEDBACK'), awaiting('AWAITING_DETAILS')];
      const running = stages.filter((s) => s.stage !== undefined).map((s) => s.closure);
      if ((m.type === 'text' || m.type === 'audio') && details.length === 1 && rating.length === 0) return { kind: 'details', workflowId: details[0]!.workflowId };
      if (m.type === 'text' && rating.length === 1 && details.length === 0) {
        const understood = understoodRating((m as Extract<InboundMessage, { type: 'text' }>).text.body);
        if (understood) return { kind: 'rating', workflowId: rating[0]!.workflowId, rating: understood };
      }
      if (running.length === 0 && mine[0]!.outcome) return { kind: 'answer', closure: mine[0]!, reply: 'AFTER_CLOSE' };
      return { kind: 'answer', closure: running[0] ?? mine[0]!, reply: 'HELP' };
    },

    /** A reply to a closure whose run has ended: its outcome and how to raise a new grievance. */
    async answerAfterClose(row: ClaimedMessage, workflowId: string): Promise<{ note: string }> {
      const closure = (await closures.closuresOfCitizen(row.fromWaId.replace(/\D/g, ''), 50)).find((c) => c.workflowId === workflowId);
      return closure ? this.answer(row, closure, 'AFTER_CLOSE') : { note: 'no closure of this number to answer about' };
    },

    /**
     * Answers a message we could not take as feedback, once per message (a redelivery answers nothing twice), and
     * records it for ops. A failed answer is recorded with its reason, not retried: it is a courtesy.
     */
    async answer(row: ClaimedMessage, closure: CitizenClosure, reply: CitizenReplyKind): Promise<{ note: string }> {
      const kind = reply === 'AFTER_CLOSE' && closure.outcome ? 'AFTER_CLOSE' : 'HELP';
      const outcome: Outcome | undefined = kind === 'AFTER_CLOSE' ? closure.outcome : undefined;
      const { inserted } = await replies.recordCitizenReply({ wamid: row.wamid, workflowId: closure.workflowId, kind, messageType: row.type, ...(outcome ? { outcome } : {}), receivedAt: row.sentAt });
      if (!inserted) return { note: `already answered (${kind})` };
      if (!messenger) {
        await replies.markAnswered(row.wamid, { replyError: 'no messenger configured' });
        return { note: `recorded (${kind}); no messenger to answer with` };
      }
      try {
        const message = outcome ? { kind: 'AFTER_CLOSE' as const, grievanceId: closure.grievanceId, outcome } : { kind: 'HELP' as const, grievanceId: closure.grievanceId };
        const { messageId } = await messenger.send({ idempotencyKey: `reply:${row.wamid}`, workflowId: closure.workflowId, to: toE164(row.fromWaId), language: closure.language, message });
        await replies.markAnswered(row.wamid, { replyMessageId: messageId });
        return { note: `answered (${kind})` };
      } catch (err) {
        const reason = (err as Error).message.slice(0, 300);
        await replies.markAnswered(row.wamid, { replyError: reason });
        log.warn({ workflowId: closure.workflowId, kind, error: reason }, 'answer to a citizen could not be sent');
        return { note: `recorded (${kind}); answer failed` };
      }
    },
  };
}

/** The own-words reader's methods. */
export type OwnWords = ReturnType<typeof createOwnWords>;
