/**
 * The escalation ladder on the time-skipping server, started for real by the ATR workflow's escalate step: the
 * reminder at 75 % of the SLA, the raise when it passes (L1 → L2 → L3, the portal told each time), BREACHED after
 * the state's SLA, a transfer restarting the clock, and the next cycle's closure ending it RESOLVED.
 */
import type { EscalationResult } from '../../../contracts/escalation-activities';
import { DEFAULT_ESCALATION_SLA_HOURS, escalationStateQuery, escalationWorkflowId } from '../../../contracts/escalation';
import { stateQuery } from '../../../contracts/workflow';
import { makeClosure } from '../../helpers/fixtures';
import { captureHistory, skipToIst } from '../../helpers/temporal';
import { eventually } from '../../helpers/whatsapp';
import { HOUR, alertsTo, escalateGrievance, portalEvents, readModel, stateWhen, useLadderBed } from './support';

const bed = useLadderBed();
const SLA = DEFAULT_ESCALATION_SLA_HOURS;

test('reminds the level at 75 % of its SLA, raises L1 → L2 → L3 as each SLA passes, telling the portal, and ends BREACHED after the state', async () => {
  await skipToIst(bed.env, '10:00');
  await bed.withWorker(async (ctx) => {
    const e = await escalateGrievance(ctx);
    const raised = await stateWhen(e.handle, (s) => s.history.length === 1);
    expect(raised).toMatchObject({ level: 1, status: 'OPEN', departmentCode: e.department, districtCode: e.district });
    expect(Date.parse(raised.slaDueAt) - Date.parse(raised.history[0]!.at)).toBe(SLA[1] * HOUR);
    await eventually(async () => ((await alertsTo(e.phones.L1)).length === 1 ? true : undefined));

    await bed.env.sleep(SLA[1] * 0.75 * HOUR + 60_000);
    const reminded = await stateWhen(e.handle, (s) => s.history.some((h) => h.action === 'SLA_REMINDER_SENT'));
    expect(reminded.level).toBe(1);
    await eventually(async () => ((await alertsTo(e.phones.L1)).length === 2 ? true : undefined));
    expect(await alertsTo(e.phones.L2)).toEqual([]);

    await bed.env.sleep(SLA[1] * 0.25 * HOUR);
    const atDistrict = await stateWhen(e.handle, (s) => s.level === 2);
    expect(atDistrict.status).toBe('OPEN');
    await eventually(async () => ((await alertsTo(e.phones.L2)).length === 1 ? true : undefined));
    expect(await readModel(e.escalationId)).toMatchObject({ current_level: 2, status: 'OPEN', level: 1 });

    await bed.env.sleep(SLA[2] * HOUR + 60_000);
    await stateWhen(e.handle, (s) => s.level === 3);
    const result = (await e.handle.result()) as EscalationResult;
    expect(result).toEqual({ escalationId: e.escalationId, outcome: 'BREACHED', level: 3 });

    const row = await readModel(e.escalationId);
    expect(row).toMatchObject({ current_level: 3, status: 'BREACHED' });
    expect(row!.breached_at).toBeInstanceOf(Date);
    expect((await e.escalations.list(null, { status: 'BREACHED', districtCode: e.district })).map((s) => s.escalationId)).toEqual([e.escalationId]);
    expect((await portalEvents(e.grievanceId)).map((ev) => [ev.type, ev.data.toLevel ?? ev.data.status ?? ev.data.level])).toEqual([
      ['escalation.raised', 1],
      ['escalation.level_changed', 2],
      ['escalation.level_changed', 3],
      ['escalation.status_changed', 'BREACHED'],
    ]);
    expect((await e.escalations.getCase(e.escalationId, null)).history.map((h) => `${h.action}@${h.level}`)).toEqual([
      'RAISED@1', 'SLA_REMINDER_SENT@1', 'LEVEL_RAISED@2', 'SLA_REMINDER_SENT@2', 'LEVEL_RAISED@3', 'SLA_REMINDER_SENT@3', 'BREACHED@3',
    ]);
    await captureHistory(e.handle, 'escalation-breached');
  });
});

test("a closure's drill SLAs of minutes drive the ladder", async () => {
  await skipToIst(bed.env, '10:00');
  await bed.withWorker(async (ctx) => {
    const e = await escalateGrievance(ctx, { policy: { escalationSlaHours: { 1: 2 / 60, 2: 3 / 60 } } });
    const s = await stateWhen(e.handle, (x) => x.history.length === 1);
    expect(Date.parse(s.slaDueAt) - Date.parse(s.history[0]!.at)).toBe(2 * 60_000);
    await bed.env.sleep(2 * 60_000 + 1_000);
    const l2 = await stateWhen(e.handle, (x) => x.level === 2);
    expect(Date.parse(l2.slaDueAt) - Date.parse(l2.history.at(-1)!.at)).toBe(3 * 60_000);
  });
});

test('a transfer moves the case to the new department and restarts its SLA at the same level', async () => {
  await skipToIst(bed.env, '10:00');
  await bed.withWorker(async (ctx) => {
    const e = await escalateGrievance(ctx);
    await stateWhen(e.handle, (s) => s.history.length === 1);
    await bed.env.sleep(100 * HOUR);
    const { state } = await e.escalations.transfer(e.escalationId, { actor: e.officers.L1, toDepartmentCode: 'PHED', note: 'Water supply is PHED, not LSG' });
    expect(state).toMatchObject({ level: 1, departmentCode: 'PHED', districtCode: e.district, status: 'OPEN' });
    expect(Date.parse(state.slaDueAt) - Date.parse(state.history.at(-1)!.at)).toBe(SLA[1] * HOUR);

    // 100 h later the first department's SLA (168 h from the raise) has passed; the new department's has not.
    await bed.env.sleep(100 * HOUR);
    const later = await e.handle.query(escalationStateQuery);
    expect(later).toMatchObject({ level: 1, departmentCode: 'PHED' });
    expect(later.history.map((h) => h.action)).toEqual(['RAISED', 'TRANSFERRED']);
    // Its reminder comes at 75 % of a full SLA from the transfer.
    await bed.env.sleep(27 * HOUR);
    const reminded = await stateWhen(e.handle, (s) => s.history.some((h) => h.action === 'SLA_REMINDER_SENT'));
    expect(Date.parse(reminded.slaReminderAt) - Date.parse(reminded.history[1]!.at)).toBe(SLA[1] * 0.75 * HOUR);
    expect(Date.parse(reminded.history.at(-1)!.at)).toBeGreaterThanOrEqual(Date.parse(reminded.slaReminderAt));
    expect(await readModel(e.escalationId)).toMatchObject({ current_department_code: 'PHED', department_code: e.department });
    const history = (await e.escalations.getCase(e.escalationId, null)).history;
    expect(history.find((h) => h.action === 'TRANSFERRED')).toMatchObject({ officerId: e.officers.L1.officerId, note: 'Water supply is PHED, not LSG' });
    // The old department's officer no longer sees it; the district still does.
    expect(await e.escalations.list(e.officers.L1)).toEqual([]);
    expect((await e.escalations.list(e.officers.L2)).map((s) => s.escalationId)).toEqual([e.escalationId]);
    expect((await portalEvents(e.grievanceId)).map((ev) => ev.type)).toContain('escalation.level_changed');
  });
});

test("the next cycle's closure ends the escalation RESOLVED and its own cycle runs", async () => {
  await skipToIst(bed.env, '10:00');
  await bed.withWorker(async (ctx) => {
    const e = await escalateGrievance(ctx);
    await stateWhen(e.handle, (s) => s.history.length === 1);
    await e.escalations.acknowledge(e.escalationId, { actor: e.officers.L1 });
    await bed.env.sleep(24 * HOUR);
    const next = makeClosure({ grievanceId: e.grievanceId, cycle: 2, department: { code: e.department, nameEn: 'Department' }, district: { code: e.district, nameEn: 'District' } });
    const { workflowId } = await ctx.atr.closeGrievance(next);

    const result = (await e.handle.result()) as EscalationResult;
    expect(result).toEqual({ escalationId: e.escalationId, outcome: 'RESOLVED', level: 1, resolvedBy: workflowId });
    expect(await readModel(e.escalationId)).toMatchObject({ status: 'RESOLVED', resolved_by_workflow_id: workflowId, sla_due_at: null });
    expect((await portalEvents(e.grievanceId)).map((ev) => ev.type)).toEqual(['escalation.raised', 'escalation.status_changed', 'escalation.resolved']);
    const cycle2 = await ctx.client.workflow.getHandle(workflowId).query(stateQuery);
    expect(cycle2.cycle).toBe(2);
    expect(escalationWorkflowId(e.grievanceId, 2)).not.toBe(e.handle.workflowId);
    await captureHistory(e.handle, 'escalation-resolved');
  });
});

test('misconduct goes straight to the state, marked for vigilance', async () => {
  await skipToIst(bed.env, '10:00');
  await bed.withWorker(async (ctx) => {
    const e = await escalateGrievance(ctx, { reason: 'MISCONDUCT' });
    const s = await stateWhen(e.handle, (x) => x.history.length === 1);
    expect(s).toMatchObject({ level: 3, vigilance: true });
    expect(Date.parse(s.slaDueAt) - Date.parse(s.history[0]!.at)).toBe(SLA[3] * HOUR);
    expect(await readModel(e.escalationId)).toMatchObject({ level: 3, current_level: 3, vigilance: true });
    await eventually(async () => ((await alertsTo(e.phones.L3)).length >= 1 ? true : undefined));
    expect(await alertsTo(e.phones.L1)).toEqual([]);
  });
});
