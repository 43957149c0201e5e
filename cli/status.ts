/**
 * `sampark-atr status <grievanceId>`: the latest closure's live state from its workflow, plus what
 * PostgreSQL recorded (messages sent, the escalation row). Built field by field from the state, never
 * dumped whole: the state carries the citizen's comment, which ops output must not show.
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { AtrClient, GrievanceStatus } from '../client';
import { GrievanceIdSchema } from '../contracts/closure';
import { escalationLevelName } from '../contracts/escalation';
import type { EscalationLevel } from '../contracts/workflow';
import { createReports, type EscalationRow, type MessageSentRow } from '../db/reports';
import { createCitizenReplyRepository } from '../db/repositories/citizen-replies';
import { createVoiceNoteRepository } from '../db/repositories/voice-notes';
import { CliError, formatTable, istTime, writeJson, type Writer } from './output';

/** What `status` shows: no names, phones or comments. */
export interface StatusReport {
  grievanceId: string;
  cycle: number;
  workflowId: string;
  /** Temporal's execution status (RUNNING, COMPLETED, TERMINATED, ...). */
  execution: string;
  /** False when the workflow could not answer the state query (no worker); the rest comes from search attributes. */
  live: boolean;
  stage: string | null;
  delivery: {
    status: string | null;
    channel: string | null;
    messageId: string | null;
    sentAt: string | null;
    updatedAt: string | null;
    errorCode: number | null;
    reason: string | null;
    fallback: { channel: string; messageId: string; sentAt: string } | null;
    /** Set while a fault on our side holds the ATR (codes and the channel's words only). */
    blocked: { channel: string; code: string; reason: string; since: string } | null;
  };
  reminders: { number: number; dueAt: string; sentAt: string | null }[];
  resends: { sentAt: string; requestedBy: string; messageId: string }[];
  feedbackWindowEndsAt: string | null;
  closesAt: string | null;
  feedbackOutcome: string | null;
  feedback: { rating: string; reason: string | null; channel: string; receivedAt: string } | null;
  /** Feedback after the decisive one (repeats, late replies): only counted. */
  laterFeedback: number;
  escalation: { level: number; levelName: string | null } | null;
  outcome: string | null;
  outcomeReason: string | null;
  messages: MessageSentRow[];
  escalationRow: EscalationRow | null;
  /** The citizen's messages we answered ourselves (after the close, or unclear): when, what kind, how our answer went. */
  citizenReplies: { receivedAt: string; kind: string; messageType: string; outcome: string | null; answer: string }[];
  /** Voice notes: held (type, size) or unavailable (why); never the audio. */
  voiceNotes: { mediaId: string; receivedAt: string; held: string }[];
}

/** What `status` needs. */
export interface StatusDeps {
  atr: Pick<AtrClient, 'getStatus'> & { temporal?: Pick<Client, 'connection'> };
  pool: Pool;
  /** How long the workflow may take to answer; past it, status shows the search attributes. */
  answerTimeoutMs?: number;
}

/**
 * A closed workflow answers the state query only through a worker replaying it; with none polling, the
 * query waits on the server for half a minute. An operator should get the search attributes sooner.
 */
export const DEFAULT_ANSWER_TIMEOUT_MS = 10_000;

/** Checks a grievance id before it reaches Temporal, with a message that names the argument. */
export function parseGrievanceId(raw: string): string {
  const parsed = GrievanceIdSchema.safeParse(raw);
  if (!parsed.success) throw new CliError(`grievance id ${JSON.stringify(raw)} ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
  return parsed.data;
}

/** The latest closure of a grievance; GrievanceNotFoundError when it was never closed through us. */
export async function runStatus(deps: StatusDeps, grievanceIdInput: string): Promise<StatusReport> {
  const grievanceId = parseGrievanceId(grievanceIdInput);
  const connection = deps.atr.temporal?.connection;
  const ask = () => deps.atr.getStatus(grievanceId);
  const status = connection ? await connection.withDeadline(Date.now() + (deps.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS), ask) : await ask();
  const reports = createReports(deps.pool);
  const [messages, escalationRow, replies, notes] = await Promise.all([
    reports.sentMessages(status.workflowId),
    reports.escalationOf(status.workflowId),
    createCitizenReplyRepository(deps.pool).repliesOf([status.workflowId]),
    createVoiceNoteRepository(deps.pool).voiceNotesOf(status.workflowId),
  ]);
  const citizenReplies = replies.map((r) => ({
    receivedAt: r.receivedAt.toISOString(),
    kind: r.kind,
    messageType: r.messageType,
    outcome: r.outcome ?? null,
    answer: r.replyMessageId ? `sent ${r.replyMessageId}` : r.replyError ? `not sent (${r.replyError})` : 'pending',
  }));
  const voiceNotes = notes.map((n) => ({
    mediaId: n.mediaId,
    receivedAt: n.receivedAt.toISOString(),
    held: n.status === 'stored' ? `stored, ${n.mimeType}, ${n.byteLength} bytes` : `unavailable (${n.reason})`,
  }));
  return { ...fromWorkflow(status, messages), messages, escalationRow, citizenReplies, voiceNotes };
}

function fromWorkflow(status: GrievanceStatus, messages: MessageSentRow[]): Omit<StatusReport, 'messages' | 'escalationRow' | 'citizenReplies' | 'voiceNotes'> {
  const { state, summary, result } = status;
  const d = state?.delivery;
  const channel = d?.messageId ? (messages.find((m) => m.messageId === d.messageId)?.channel ?? null) : null;
  const later = state?.otherFeedback ?? [];
  return {
    grievanceId: status.grievanceId,
    cycle: status.cycle,
    workflowId: status.workflowId,
    execution: status.execution,
    live: Boolean(state),
    stage: state?.stage ?? null,
    delivery: {
      status: d?.status ?? summary.deliveryStatus ?? null,
      channel,
      messageId: d?.messageId ?? null,
      sentAt: d?.sentAt ?? null,
      updatedAt: d?.updatedAt ?? null,
      errorCode: d?.errorCode ?? null,
      reason: d?.reason ?? null,
      fallback: d?.fallback ? { ...d.fallback } : null,
      blocked: d?.blocked ? { channel: d.blocked.channel, code: d.blocked.code, reason: d.blocked.reason, since: d.blocked.since } : null,
    },
    reminders: (state?.reminders ?? []).map((r) => ({ number: r.number, dueAt: r.dueAt, sentAt: r.sentAt ?? null })),
    resends: (state?.resends ?? []).map((r) => ({ sentAt: r.sentAt, requestedBy: r.requestedBy, messageId: r.messageId })),
    feedbackWindowEndsAt: state?.feedbackWindowEndsAt ?? null,
    closesAt: state?.closesAt ?? null,
    feedbackOutcome: summary.feedbackOutcome ?? null,
    feedback: state?.feedback
      ? { rating: state.feedback.rating, reason: state.feedback.reason ?? null, channel: state.feedback.channel, receivedAt: state.feedback.receivedAt }
      : null,
    laterFeedback: later.length,
    escalation: state?.escalation
      ? {
          level: state.escalation.level,
          levelName: state.escalation.levelName,
        }
      : summary.escalationLevel
        ? { level: summary.escalationLevel, levelName: null }
        : null,
    outcome: state?.outcome ?? result?.outcome ?? summary.outcome ?? null,
    outcomeReason: state?.outcomeReason ?? result?.reason ?? null,
  };
}

/** Prints a status report for a person, or as JSON. */
export function printStatus(report: StatusReport, out: Writer, json = false): void {
  if (json) return writeJson(out, report);
  const r = report;
  const lines: [string, string][] = [
    ['workflow', `${r.workflowId} (${r.execution})`],
    ['stage', r.stage ?? '(no answer from the workflow: is a worker running? showing search attributes)'],
    ['delivery', deliveryLine(r)],
  ];
  if (r.delivery.blocked) {
    const b = r.delivery.blocked;
    lines.push(['blocked', `${b.code} since ${istTime(b.since)} (${b.reason}); fix it, then \`npx sampark-atr resume\``]);
  }
  if (r.delivery.reason) lines.push(['  reason', r.delivery.reason]);
  if (r.delivery.fallback) lines.push(['  fallback', `${r.delivery.fallback.channel.toUpperCase()} sent ${istTime(r.delivery.fallback.sentAt)}`]);
  if (r.reminders.length) {
    lines.push(['reminders', r.reminders.map((m) => `#${m.number} ${m.sentAt ? `sent ${istTime(m.sentAt)}` : `due ${istTime(m.dueAt)}`}`).join('; ')]);
  }
  if (r.resends.length) lines.push(['resends', r.resends.map((s) => `${istTime(s.sentAt)} by ${s.requestedBy}`).join('; ')]);
  if (r.feedbackWindowEndsAt) lines.push(['window ends', istTime(r.feedbackWindowEndsAt)]);
  lines.push(['feedback', feedbackLine(r)]);
  if (r.escalation) {
    const e = r.escalation;
    lines.push(['escalation', `level ${e.level}${e.levelName ? ` (${e.levelName})` : ''}; the portal's events: \`npx sampark-atr events --grievance ${r.grievanceId}\``]);
  }
  lines.push(['outcome', r.outcome ? `${r.outcome}${r.outcomeReason ? ` (${r.outcomeReason})` : ''}` : r.execution === 'RUNNING' ? 'OPEN' : '-']);
  if (r.closesAt) lines.push(['closes', istTime(r.closesAt)]);

  const width = Math.max(...lines.map(([k]) => k.length));
  out.write(`Grievance ${r.grievanceId}, cycle ${r.cycle}\n`);
  for (const [k, v] of lines) out.write(`  ${k.padEnd(width)}  ${v}\n`);

  out.write('\nMessages sent\n');
  if (!r.messages.length) out.write('  (none yet)\n');
  else {
    const rows = r.messages.map((m) => [istTime(m.createdAt), m.purpose, m.channel, m.state, m.delivery ?? '-', m.attempts > 1 ? String(m.attempts) : '']);
    out.write(indent(formatTable([{ header: 'TIME' }, { header: 'PURPOSE' }, { header: 'CHANNEL' }, { header: 'STATE' }, { header: 'DELIVERY' }, { header: 'ATTEMPTS', align: 'right' }], rows)));
  }

  out.write('\nEscalation\n');
  const e = r.escalationRow;
  out.write(e ? `  ${e.escalationId}: raised at level ${e.level} (${e.levelName})${e.reason ? `, reason ${e.reason}` : ''}, ${istTime(e.createdAt)}\n` : '  (none)\n');
  // Where its ladder stands now (npx sampark-atr escalations lists them all; /officer shows the case).
  if (e) out.write(`  now: level ${e.currentLevel} (${escalationLevelName(e.currentLevel as EscalationLevel)}), ${e.status}${e.slaDueAt ? `, SLA due ${istTime(e.slaDueAt)}` : ''}\n`);
  if (r.voiceNotes.length) {
    out.write('\nVoice notes\n');
    for (const v of r.voiceNotes) out.write(`  ${istTime(v.receivedAt)} ${v.mediaId}: ${v.held}\n`);
  }
  if (r.citizenReplies.length) {
    out.write("\nCitizen's messages we answered\n");
    const rows = r.citizenReplies.map((c) => [istTime(c.receivedAt), c.kind, c.messageType, c.outcome ?? '-', c.answer]);
    out.write(indent(formatTable([{ header: 'RECEIVED' }, { header: 'KIND' }, { header: 'TYPE' }, { header: 'OUTCOME' }, { header: 'ANSWER' }], rows)));
  }
}

function deliveryLine(r: StatusReport): string {
  const d = r.delivery;
  if (!d.status) return '-';
  const parts = [d.status];
  if (d.channel) parts.push(`via ${d.channel}`);
  if (d.sentAt) parts.push(`sent ${istTime(d.sentAt)}`);
  if (d.updatedAt) parts.push(`updated ${istTime(d.updatedAt)}`);
  if (d.errorCode !== null) parts.push(`error ${d.errorCode}`);
  return parts.join(', ');
}

function feedbackLine(r: StatusReport): string {
  const f = r.feedback;
  const later = r.laterFeedback ? `; ${r.laterFeedback} later feedback recorded` : '';
  if (!f) return `${r.feedbackOutcome ?? '-'}${later}`;
  return `${f.rating}${f.reason ? `, reason ${f.reason}` : ''}, via ${f.channel} at ${istTime(f.receivedAt)}${later}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
}
