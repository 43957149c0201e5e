/**
 * The inbox's ports over the real parts: the officers' directory, the EscalationClient (scoped reads of the read
 * model, actions as Temporal updates), the closures (the citizen's phone and the ATR) and the voice notes.
 */
import type { Pool } from 'pg';
import { OperationRefusedError, ValidationError } from '../../client';
import { EscalationNotFoundError, type EscalationClient } from '../../client/escalations';
import type { EscalationCase, EscalationSummary } from '../../contracts/escalation';
import { createClosureRepository } from '../../db/repositories/closures';
import { createOfficerAccountRepository } from '../../db/repositories/officer-accounts';
import { createOfficerRepository } from '../../db/repositories/officers';
import { createVoiceNoteRepository } from '../../db/repositories/voice-notes';
import { ActionRefusedError, type InboxCase, type InboxDeps, type InboxFilters, type InboxRow } from './ports';

const DAY_MS = 24 * 3_600_000;

/** The inbox's dependencies on a pool and an escalation client. */
export function createInboxDeps(pool: Pool, escalations: EscalationClient): InboxDeps {
  const officers = createOfficerRepository(pool);
  const closures = createClosureRepository(pool);
  return {
    accounts: createOfficerAccountRepository(pool),
    directory: {
      // An inactive officer keeps their account row but can neither log in nor use a session.
      async getOfficer(officerId) {
        const o = await officers.getOfficer(officerId);
        return o?.active ? { officerId: o.officerId, name: o.name, role: o.role, departmentCode: o.departmentCode, districtCode: o.districtCode } : null;
      },
    },
    escalations: {
      async list(scope, filters, now) {
        const rows = await escalations.list(scope, toFilter(filters, now));
        // "Due within 24 h" is what is still ahead: those already overdue have a filter of their own.
        const ahead = filters.sla === 'due24h' ? rows.filter((r) => r.slaDueAt && Date.parse(r.slaDueAt) >= now.getTime()) : rows;
        return ahead.map(toRow);
      },
      async getCase(scope, escalationId) {
        const found = await escalations.getCase(escalationId, scope).catch((err) => (err instanceof EscalationNotFoundError ? null : Promise.reject(err)));
        if (!found) return null;
        const closure = await closures.getClosure(found.atrWorkflowId);
        return toCase(found, closure ? { phone: closure.citizen.phone, atrId: closure.atrNumber ?? found.atrWorkflowId } : null);
      },
    },
    actions: {
      acknowledge: (id, actor) => refusable(escalations.acknowledge(id, { actor })),
      addNote: (id, actor, note) => refusable(escalations.addNote(id, { actor, note })),
      askCitizen: (id, actor, question) => refusable(escalations.askCitizen(id, { actor, question })),
      transfer: (id, actor, to) =>
        refusable(escalations.transfer(id, { actor, toDepartmentCode: to.departmentCode, ...(to.districtCode ? { toDistrictCode: to.districtCode } : {}), ...(to.note ? { note: to.note } : {}) })),
    },
    atrs: closures,
    voiceNotes: createVoiceNoteRepository(pool),
  };
}

function toFilter(f: InboxFilters, now: Date) {
  const due = f.sla === 'overdue' ? now : f.sla === 'due24h' ? new Date(now.getTime() + DAY_MS) : undefined;
  return {
    ...(f.level ? { level: f.level } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(due ? { slaDueBefore: due.toISOString() } : {}),
    ...(f.departmentCode ? { departmentCode: f.departmentCode } : {}),
    ...(f.districtCode ? { districtCode: f.districtCode } : {}),
  };
}

function toRow(s: EscalationSummary): InboxRow {
  return {
    escalationId: s.escalationId,
    grievanceId: s.grievanceId,
    cycle: s.cycle,
    level: s.level,
    status: s.status,
    departmentCode: s.departmentCode,
    districtCode: s.districtCode,
    vigilance: s.vigilance,
    reason: s.reason,
    slaDueAt: s.slaDueAt ? new Date(s.slaDueAt) : null,
  };
}

function toCase(c: EscalationCase, closure: { phone: string; atrId: string } | null): InboxCase {
  return {
    ...toRow(c),
    atrWorkflowId: c.atrWorkflowId,
    comment: c.comment,
    voiceNoteId: c.voiceMediaId,
    atrId: closure?.atrId ?? null,
    citizenPhone: closure?.phone || null,
    history: c.history.map((h) => ({ action: h.action, at: new Date(h.at), level: h.level, officerId: h.officerId, text: h.note })),
  };
}

/** The workflow's refusal (a validator, an ended escalation) or a bad input, as the inbox shows it; anything else is ours. */
async function refusable(action: Promise<unknown>): Promise<void> {
  try {
    await action;
  } catch (err) {
    if (err instanceof OperationRefusedError) throw new ActionRefusedError(err.message);
    if (err instanceof ValidationError) throw new ActionRefusedError(err.fields.map((f) => `${f.field} ${f.message}`).join('; '));
    // Moved out of the officer's scope between the page and the action (a transfer by someone else).
    if (err instanceof EscalationNotFoundError) throw new ActionRefusedError(err.message);
    throw err;
  }
}

