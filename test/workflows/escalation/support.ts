/**
 * Shared plumbing for the escalation ladder's tests: a grievance escalated for real (closure, "not satisfied", the
 * ATR workflow's escalate step starting the ladder), its officers in the directory, and readers of what the ladder
 * wrote (the read model, the portal's events, the officers' WhatsApp alerts).
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { AtrClient } from '../../../client';
import { EscalationClient } from '../../../client/escalations';
import { escalationStateQuery, escalationWorkflowId, type EscalationActor, type EscalationState } from '../../../contracts/escalation';
import type { FeedbackPolicyOverride, FeedbackReason } from '../../../contracts/closure';
import { feedbackSignal } from '../../../contracts/workflow';
import { createEscalationRepository } from '../../../db/repositories/escalations';
import { createOfficerRepository } from '../../../db/repositories/officers';
import { createPortalEventRepository } from '../../../db/repositories/portal-events';
import { uniqueCode } from '../../cli/support';
import { testPool } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { eventually } from '../../helpers/whatsapp';
import { feedback, useAtrTestBed, type AtrTestBed } from '../atr/support';

export const HOUR = 3_600_000;

/** A time-skipping server per test, and a real worker on it. */
export type LadderBed = AtrTestBed;

/**
 * A fresh time-skipping server for each test: an escalation outlives its ATR workflow by design, and what one test
 * leaves behind (its ladder's timers, its ATR's late-feedback wait) must not hold the next test's clock.
 */
export function useLadderBed(): LadderBed {
  return useAtrTestBed({ perTest: true });
}

/** One escalated grievance, its place and its officers (one per level). */
export interface Escalated {
  grievanceId: string;
  atrWorkflowId: string;
  escalationId: string;
  handle: WorkflowHandle;
  department: string;
  district: string;
  officers: Record<'L1' | 'L2' | 'L3', EscalationActor>;
  phones: Record<'L1' | 'L2' | 'L3', string>;
  escalations: EscalationClient;
}

/** Officers for a department and district (and a state officer), in the directory. */
export async function seedOfficers(department: string, district: string): Promise<Pick<Escalated, 'officers' | 'phones'>> {
  const n = () => `+9198${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const officers = {
    L1: { officerId: uniqueCode('o1-'), role: 'L1' as const, departmentCode: department, districtCode: district },
    L2: { officerId: uniqueCode('o2-'), role: 'L2' as const, departmentCode: null, districtCode: district },
    L3: { officerId: uniqueCode('o3-'), role: 'L3' as const, departmentCode: null, districtCode: null },
  };
  const phones = { L1: n(), L2: n(), L3: n() };
  await createOfficerRepository(testPool()).upsertOfficers(
    Object.values(officers).map((o) => ({ ...o, name: `Officer ${o.role}`, whatsappPhone: phones[o.role], active: true })),
  );
  return { officers, phones };
}

/** Closes a grievance, says "not satisfied" from the helpline, and waits until its ladder has started. */
export async function escalateGrievance(
  ctx: { atr: AtrClient; client: Client },
  options: { cycle?: number; reason?: FeedbackReason; policy?: FeedbackPolicyOverride; grievanceId?: string; voiceMediaId?: string } = {},
): Promise<Escalated> {
  const department = uniqueCode('D');
  const district = uniqueCode('X');
  const { officers, phones } = await seedOfficers(department, district);
  const closure = makeClosure({
    cycle: options.cycle ?? 1,
    ...(options.grievanceId ? { grievanceId: options.grievanceId } : {}),
    department: { code: department, nameEn: 'Department' },
    district: { code: district, nameEn: 'District' },
    ...(options.policy ? { feedbackPolicy: options.policy } : {}),
  });
  const { workflowId } = await ctx.atr.closeGrievance(closure);
  await ctx.client.workflow.getHandle(workflowId).signal(feedbackSignal, feedback('NOT_SATISFIED', { reason: options.reason ?? 'NOT_RESOLVED', ...(options.voiceMediaId ? { voiceMediaId: options.voiceMediaId } : {}) }));
  const handle = ctx.client.workflow.getHandle(escalationWorkflowId(closure.grievanceId, closure.cycle ?? 1));
  await eventually(async () => ((await readModel(`esc-${workflowId}`))?.escalation_workflow_id ? true : undefined));
  return {
    grievanceId: closure.grievanceId,
    atrWorkflowId: workflowId,
    escalationId: `esc-${workflowId}`,
    handle,
    department,
    district,
    officers,
    phones,
    escalations: new EscalationClient(ctx.client, createEscalationRepository(testPool())),
  };
}

/** The escalation's row in the read model. */
export async function readModel(escalationId: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await testPool().query('SELECT * FROM escalations WHERE escalation_id = $1', [escalationId]);
  return rows[0];
}

/** Waits until the escalation's live state satisfies `ok`. */
export async function stateWhen(handle: WorkflowHandle, ok: (s: EscalationState) => boolean): Promise<EscalationState> {
  return eventually(async () => {
    const s = await handle.query(escalationStateQuery);
    return ok(s) ? s : undefined;
  });
}

/** The portal's events of a grievance, as type and data, in order. */
export async function portalEvents(grievanceId: string) {
  return (await createPortalEventRepository(testPool()).forGrievance(grievanceId))
    .filter((e) => e.type.startsWith('escalation.'))
    .map((e) => ({ type: e.type, data: e.data as Record<string, unknown> }));
}

/** The officer alerts sent to a number (through the outbox messenger), oldest first. */
export async function alertsTo(phone: string): Promise<string[]> {
  const { rows } = await testPool().query<{ body: { text: string } }>(
    `SELECT body FROM outbound_messages WHERE recipient = $1 AND purpose = 'OFFICER_ALERT' ORDER BY created_at`,
    [phone],
  );
  return rows.map((r) => r.body.text);
}
