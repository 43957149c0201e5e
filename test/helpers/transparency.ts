/**
 * The transparency dashboard's hand-computed fixture: closures and what happened to each, written through the
 * owning repositories (test/api/transparency/figures.test.ts works out its figures by hand).
 */
import { ClosureSchema } from '../../contracts/closure';
import { createClosureRepository } from '../../db/repositories/closures';
import { createEscalationRepository } from '../../db/repositories/escalations';
import { testPool } from './db';
import { makeClosure } from './fixtures';

export const LSG = { code: 'LSG', nameEn: 'Local Self Government', nameHi: 'स्वायत्त शासन विभाग' };
export const PHED = { code: 'PHED', nameEn: 'Public Health Engineering', nameHi: 'जन स्वास्थ्य अभियांत्रिकी विभाग' };
export const JPR = { code: 'JPR', nameEn: 'Jaipur', nameHi: 'जयपुर' };
export const AJM = { code: 'AJM', nameEn: 'Ajmer', nameHi: 'अजमेर' };

/**
 * One closure and what happened to it: minutes to the phone (none: not delivered), the answer, the escalation
 * level, and how its escalation's ladder ended (resolved within its SLA, or breached).
 */
export interface Case {
  department: typeof LSG;
  district: typeof JPR;
  disposedAt: string;
  minutes?: number;
  rating?: 'SATISFIED' | 'NOT_SATISFIED';
  level?: 1 | 2;
  ladder?: 'RESOLVED' | 'BREACHED';
}

const times = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));
export const FIXTURE: Case[] = [
  // LSG in Jaipur, 1 Oct: 10 closures, all delivered (5 in 2 min, 5 in 20 min); 5 satisfied, 5 not (escalated at
  // level 1, each resolved within its SLA).
  ...times(10, (i) => ({ department: LSG, district: JPR, disposedAt: '2026-10-01T11:00:00+05:30', minutes: i < 5 ? 2 : 20, rating: i < 5 ? 'SATISFIED' : 'NOT_SATISFIED', ...(i >= 5 ? { level: 1, ladder: 'RESOLVED' } : {}) }) as Case),
  // LSG in Ajmer, 2 Oct: 6 closures, 5 delivered in 100 min, all 5 satisfied; one never delivered.
  ...times(6, (i) => ({ department: LSG, district: AJM, disposedAt: '2026-10-02T15:00:00+05:30', ...(i < 5 ? { minutes: 100, rating: 'SATISFIED' } : {}) }) as Case),
  // PHED in Jaipur, 1 Oct: 8 closures delivered in 600 min; 1 satisfied, 5 not (escalated at level 2, each breaching
  // its SLA), 2 silent.
  ...times(8, (i) => ({ department: PHED, district: JPR, disposedAt: '2026-10-01T18:00:00+05:30', minutes: 600, ...(i === 0 ? { rating: 'SATISFIED' } : i <= 5 ? { rating: 'NOT_SATISFIED', level: 2, ladder: 'BREACHED' } : {}) }) as Case),
];

let seq = 0;
/** Writes the cases; returns their workflow ids. */
export async function seed(cases: Case[]): Promise<string[]> {
  const closures = createClosureRepository(testPool());
  const escalations = createEscalationRepository(testPool());
  const ids: string[] = [];
  for (const c of cases) {
    const closure = ClosureSchema.parse(makeClosure({ department: c.department, district: c.district, registeredAt: '2026-09-20T10:00:00+05:30', disposedAt: c.disposedAt, cycle: c.level ?? 1 }));
    const workflowId = `atr-${closure.grievanceId}-c${closure.cycle}`;
    ids.push(workflowId);
    await closures.recordClosure(workflowId, closure);
    const disposed = Date.parse(c.disposedAt);
    if (c.minutes !== undefined) await closures.recordAtrOnPhone(workflowId, new Date(disposed + c.minutes * 60_000));
    if (!c.rating) continue;
    const receivedAt = new Date(disposed + 24 * 3_600_000).toISOString();
    await closures.recordFeedback({ workflowId, feedback: { messageId: `m${seq++}`, rating: c.rating, channel: 'whatsapp', receivedAt }, decisive: true, late: false });
    if (!c.level) continue;
    const escalationId = `esc-${workflowId}`;
    await escalations.createEscalation({ escalationId, workflowId, grievanceId: closure.grievanceId, cycle: closure.cycle, level: c.level, departmentCode: c.department.code, districtCode: c.district.code, feedbackMessageId: `m${seq - 1}` });
    if (!c.ladder) continue;
    // Due three days after the feedback; resolved a day before that, or breached on the day.
    const due = new Date(Date.parse(receivedAt) + 72 * 3_600_000);
    const ended = c.ladder === 'RESOLVED' ? new Date(due.getTime() - 24 * 3_600_000).toISOString() : due.toISOString();
    await escalations.recordLadderChange(
      {
        escalationId, escalationWorkflowId: `esc-${closure.grievanceId}-c${closure.cycle}`, status: c.ladder, level: c.level,
        departmentCode: c.department.code, districtCode: c.district.code, vigilance: false, slaDueAt: due.toISOString(), slaReminderAt: null,
        ...(c.ladder === 'RESOLVED' ? { resolvedAt: ended } : { breachedAt: ended }),
      },
      { actionKey: `${escalationId}:${c.ladder}`, escalationId, action: c.ladder, level: c.level, at: ended },
    );
  }
  return ids;
}

