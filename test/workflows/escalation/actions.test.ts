/**
 * Officers' actions on an escalation, through the EscalationClient and straight to the workflow's updates: the
 * validators refuse a wrong role, an officer outside the case's scope and any action on an ended escalation; a
 * question goes to the citizen on WhatsApp and their answer comes back into the case.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { OperationRefusedError } from '../../../client';
import { EscalationNotFoundError } from '../../../client/escalations';
import { acknowledgeUpdate, citizenAnswerSignal, resolvedByRedisposalSignal } from '../../../contracts/escalation';
import { testPool } from '../../helpers/db';
import { skipToIst } from '../../helpers/temporal';
import { eventually } from '../../helpers/whatsapp';
import { escalateGrievance, readModel, stateWhen, useLadderBed } from './support';

const bed = useLadderBed();

test("refuses an officer whose role is below the escalation's level, in the workflow's validator and in the client", async () => {
  await skipToIst(bed.env, '10:00');
  await bed.withWorker(async (ctx) => {
    const e = await escalateGrievance(ctx, { cycle: 2 });
    await stateWhen(e.handle, (s) => s.history.length === 1 && s.level === 2);
    const refused = await e.handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: e.officers.L1 }] }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((refused as WorkflowUpdateFailedError).cause as Error).message).toBe('escalation is at level 2; role L1 may not act on it');
    await expect(e.escalations.acknowledge(e.escalationId, { actor: e.officers.L1 })).rejects.toThrow(OperationRefusedError);
    // Nothing was recorded for the refused officer; the district's officer may act.
    const { state } = await e.escalations.acknowledge(e.escalationId, { actor: e.officers.L2 });
    expect(state.status).toBe('ACKNOWLEDGED');
    expect(state.history.map((h) => h.officerId).filter(Boolean)).toEqual([e.officers.L2.officerId]);
  });
});

test("refuses an officer of another department or district, and does not show them the case", async () => {
  await skipToIst(bed.env, '10:00');
  await bed.withWorker(async (ctx) => {
    const e = await escalateGrievance(ctx);
    await stateWhen(e.handle, (s) => s.history.length === 1);
    const otherDepartment = { ...e.officers.L1, officerId: 'other-dept', departmentCode: 'OTHER' };
    const otherDistrict = { ...e.officers.L2, officerId: 'other-district', districtCode: 'OTHER' };
    for (const actor of [otherDepartment, otherDistrict]) {
      const refused = await e.handle.executeUpdate(acknowledgeUpdate, { args: [{ actor }] }).catch((err: unknown) => err);
      expect(((refused as WorkflowUpdateFailedError).cause as Error).message).toBe("escalation is outside the officer's department or district");
      await expect(e.escalations.acknowledge(e.escalationId, { actor })).rejects.toThrow(EscalationNotFoundError);
      await expect(e.escalations.getCase(e.escalationId, actor)).rejects.toThrow(EscalationNotFoundError);
    }
    expect((await readModel(e.escalationId))!.status).toBe('OPEN');
  });
});

test('refuses bad input before anything reaches the workflow, naming the field', async () => {
  await skipToIst(bed.env, '10:00');
  await bed.withWorker(async (ctx) => {
    const e = await escalateGrievance(ctx);
    await stateWhen(e.handle, (s) => s.history.length === 1);
    await expect(e.escalations.addNote(e.escalationId, { actor: e.officers.L1, note: '   ' })).rejects.toMatchObject({ fields: [{ field: 'note', message: 'must not be empty' }] });
    await expect(e.escalations.transfer(e.escalationId, { actor: { ...e.officers.L1, role: 'L9' }, toDepartmentCode: 'PHED' })).rejects.toMatchObject({
      fields: [{ field: 'actor.role', message: 'must be L1, L2 or L3' }],
    });
    await expect(e.escalations.transfer(e.escalationId, { actor: e.officers.L1, toDepartmentCode: 'PHED', toDistrictCode: 'AJM' })).rejects.toThrow(
      "a department's officer may transfer only within their district",
    );
  });
});

test('refuses every action once the escalation has ended', async () => {
  await skipToIst(bed.env, '10:00');
  await bed.withWorker(async (ctx) => {
    const e = await escalateGrievance(ctx);
    await stateWhen(e.handle, (s) => s.history.length === 1);
    await e.handle.signal(resolvedByRedisposalSignal, { byWorkflowId: 'atr-next-c2', cycle: 2 });
    expect(await e.handle.result()).toMatchObject({ outcome: 'RESOLVED' });
    await expect(e.escalations.acknowledge(e.escalationId, { actor: e.officers.L1 })).rejects.toThrow('escalation is RESOLVED; it takes no more actions');
    await expect(e.escalations.addNote(e.escalationId, { actor: e.officers.L3, note: 'too late' })).rejects.toThrow(OperationRefusedError);
    const { rows } = await testPool().query('SELECT count(*)::int AS n FROM escalation_notes WHERE escalation_id = $1', [e.escalationId]);
    expect(rows[0].n).toBe(0);
  });
});

test("asks the citizen on WhatsApp and takes the answer back into the case; the clock keeps running", async () => {
  await skipToIst(bed.env, '10:00');
  await bed.withWorker(async (ctx) => {
    const e = await escalateGrievance(ctx);
    const raised = await stateWhen(e.handle, (s) => s.history.length === 1);
    await e.escalations.acknowledge(e.escalationId, { actor: e.officers.L1 });
    const { state, questionId } = await e.escalations.askCitizen(e.escalationId, { actor: e.officers.L1, question: 'Which ward is the drain in?' });
    expect(state.status).toBe('AWAITING_CITIZEN');
    expect(state.slaDueAt).toBe(raised.slaDueAt);
    const { rows } = await testPool().query(
      `SELECT q.message_id, m.purpose, m.body FROM escalation_questions q JOIN outbound_messages m ON m.message_id = q.message_id WHERE q.question_id = $1`,
      [questionId],
    );
    expect(rows[0]).toMatchObject({ purpose: 'ESCALATION_QUESTION' });
    expect(rows[0].body.text).toContain('Which ward is the drain in?');

    await e.handle.signal(citizenAnswerSignal, { questionId, messageId: 'wamid.answer', receivedAt: new Date().toISOString() });
    const answered = await stateWhen(e.handle, (s) => s.history.some((h) => h.action === 'CITIZEN_ANSWERED'));
    expect(answered.status).toBe('ACKNOWLEDGED');
    // The workflow's state moves first; its activity then writes the read model the inbox shows.
    const history = await eventually(async () => {
      const { history: lines } = await e.escalations.getCase(e.escalationId, e.officers.L1);
      return lines.length === 4 ? lines : undefined;
    });
    expect(history.map((h) => h.action)).toEqual(['RAISED', 'ACKNOWLEDGED', 'CITIZEN_ASKED', 'CITIZEN_ANSWERED']);
    expect(history[2]!.note).toBe('Which ward is the drain in?');
  });
});
