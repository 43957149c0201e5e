/**
 * The escalation workflow's activities: write each change of the ladder to the read model with its portal events
 * (one transaction), alert the level's officers on WhatsApp, and send an officer's question to the citizen.
 */
import { ApplicationFailure } from '@temporalio/common';
import type {
  EscalationActivities,
  NotifyOfficersInput,
  NotifyOfficersResult,
  RecordEscalationChangeInput,
  RecordEscalationChangeResult,
  SendCitizenQuestionInput,
  SendCitizenQuestionResult,
} from '../contracts/escalation-activities';
import type { FeedbackReason } from '../contracts/closure';
import { escalationLevelName } from '../contracts/escalation';
import { portalEventId, type NewPortalEvent } from '../contracts/events';
import { FAILURES } from '../contracts/faults';
import type { ClosureRepository } from '../db/repositories/closures';
import type { EscalationRepository } from '../db/repositories/escalations';
import type { OfficerRepository } from '../db/repositories/officers';
import { ChannelFault } from '../messaging/faults';
import type { Log, Messenger } from './ports';

/** What the escalation activities need. */
export interface EscalationActivityDeps {
  ladder: Pick<EscalationRepository, 'recordLadderChange' | 'getQuestion' | 'markQuestionSent'>;
  officers: Pick<OfficerRepository, 'officersForLevel'>;
  closures: Pick<ClosureRepository, 'getClosure'>;
  messenger: Messenger;
  log: Log;
}

/** Officers read their alerts in Hindi first, as the inbox shows them. */
const OFFICER_LANGUAGE = 'hi';

/** Creates the escalation workflow's activities. */
export function createEscalationActivities({ ladder, officers, closures, messenger, log }: EscalationActivityDeps): EscalationActivities {
  return {
    async recordEscalationChange(input: RecordEscalationChangeInput): Promise<RecordEscalationChangeResult> {
      const a = input.after;
      const result = await ladder.recordLadderChange(
        { ...a },
        {
          actionKey: input.changeKey,
          escalationId: a.escalationId,
          action: input.action,
          level: a.level,
          officerId: input.officerId,
          noteId: input.noteId,
          questionId: input.questionId,
          detail: input.detail,
          at: input.at,
        },
        portalEventsOf(input),
      );
      log.info({ escalationId: a.escalationId, action: input.action, level: a.level, status: a.status, recorded: result.recorded }, 'escalation changed');
      return result;
    },

    async notifyOfficers(input: NotifyOfficersInput): Promise<NotifyOfficersResult> {
      const found = await officers.officersForLevel(input.level, input.departmentCode, input.districtCode);
      if (found.length === 0) {
        // Not a failure: the case is in the inbox and the portal's feed; ops see the gap in the log.
        log.warn({ escalationId: input.escalationId, level: input.level, department: input.departmentCode, district: input.districtCode }, 'no officer in the directory for this level');
        return { notified: 0 };
      }
      let notified = 0;
      for (const officer of found) {
        try {
          await messenger.send({
            idempotencyKey: `${input.alertKey}:${officer.officerId}`,
            workflowId: input.atrWorkflowId,
            to: officer.whatsappPhone,
            language: OFFICER_LANGUAGE,
            message: {
              kind: 'OFFICER_ALERT',
              grievanceId: input.grievanceId,
              alert: input.kind,
              level: input.level,
              place: `${input.departmentCode}, ${input.districtCode}`,
              due: istDateTime(input.slaDueAt),
            },
          });
          notified += 1;
        } catch (err) {
          // One officer's number that WhatsApp cannot reach must not keep the others from being told.
          if (!(err instanceof ChannelFault) || err.faultClass !== 'CITIZEN_UNREACHABLE') throw err;
          log.warn({ escalationId: input.escalationId, officerId: officer.officerId, code: err.code }, 'officer not reachable on WhatsApp');
        }
      }
      return { notified };
    },

    async sendCitizenQuestion({ questionId, escalationId, atrWorkflowId }: SendCitizenQuestionInput): Promise<SendCitizenQuestionResult> {
      const question = await ladder.getQuestion(questionId);
      if (!question || question.escalationId !== escalationId) throw ApplicationFailure.nonRetryable(`question ${questionId} is not stored for ${escalationId}`, FAILURES.invalidClosure);
      const closure = await closures.getClosure(atrWorkflowId);
      if (!closure) throw ApplicationFailure.nonRetryable(`no closure recorded for ${atrWorkflowId}`, FAILURES.invalidClosure);
      const to = closure.citizen.phone;
      try {
        const { messageId } = await messenger.send({
          idempotencyKey: `question:${questionId}`,
          workflowId: atrWorkflowId,
          to,
          language: closure.citizen.language,
          message: { kind: 'ESCALATION_QUESTION', grievanceId: closure.grievanceId, question: question.question },
        });
        await ladder.markQuestionSent(questionId, to, messageId);
        log.info({ escalationId, questionId }, 'question sent to the citizen');
        return { messageId };
      } catch (err) {
        if (err instanceof ChannelFault && err.faultClass === 'CITIZEN_UNREACHABLE') throw ApplicationFailure.nonRetryable(err.message, FAILURES.undeliverable, { code: err.code });
        throw err;
      }
    },
  };
}

/** The portal's events for one change: ids stable per change, so a retried activity appends none twice. */
export function portalEventsOf(input: RecordEscalationChangeInput): NewPortalEvent[] {
  const a = input.after;
  const step = input.changeKey.slice(input.changeKey.lastIndexOf(':') + 1);
  const base = { grievanceId: a.grievanceId, cycle: a.cycle, occurredAt: input.at };
  const id = (type: NewPortalEvent['type']) => portalEventId(a.escalationWorkflowId, type, step);
  const slaDueAt = a.slaDueAt ?? undefined;
  const events: NewPortalEvent[] = [];
  if (input.action === 'RAISED') {
    events.push({
      ...base,
      id: id('escalation.raised'),
      type: 'escalation.raised',
      data: {
        escalationId: a.escalationId,
        workflowId: a.atrWorkflowId,
        level: a.level,
        levelName: escalationLevelName(a.level),
        departmentCode: a.departmentCode,
        districtCode: a.districtCode,
        ...(a.reason ? { reason: a.reason as FeedbackReason } : {}),
        ...(slaDueAt ? { slaDueAt } : {}),
      },
    });
  }
  if (input.before && (input.action === 'LEVEL_RAISED' || input.action === 'TRANSFERRED')) {
    events.push({
      ...base,
      id: id('escalation.level_changed'),
      type: 'escalation.level_changed',
      data: {
        escalationId: a.escalationId,
        fromLevel: input.before.level,
        toLevel: a.level,
        levelName: escalationLevelName(a.level),
        cause: input.action === 'TRANSFERRED' ? 'TRANSFERRED' : 'SLA_BREACHED',
        ...(slaDueAt ? { slaDueAt } : {}),
      },
    });
  }
  if (input.action === 'RESOLVED') {
    events.push({ ...base, id: id('escalation.resolved'), type: 'escalation.resolved', data: { escalationId: a.escalationId, level: a.level, ...(a.resolvedByWorkflowId ? { resolvedBy: a.resolvedByWorkflowId } : {}) } });
  } else if (input.before && input.before.status !== a.status) {
    events.push({ ...base, id: id('escalation.status_changed'), type: 'escalation.status_changed', data: { escalationId: a.escalationId, level: a.level, status: a.status } });
  }
  return events;
}

/** "DD-MM-YYYY HH:MM IST", as officers read dates. */
function istDateTime(isoAt: string): string {
  const d = new Date(Date.parse(isoAt) + 330 * 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}-${two(d.getUTCMonth() + 1)}-${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} IST`;
}
