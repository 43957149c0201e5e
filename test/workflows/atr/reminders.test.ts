/**
 * The ATR workflow's reminders and feedback window: when reminders go (quiet hours included), how long
 * the window stays open, and where the policy comes from (state defaults, department, closure).
 * Time-skipping server, real activities on the test PostgreSQL.
 */
import { stateQuery, type AtrResult } from '../../../contracts/workflow';
import { testPool } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { captureHistory, istClock, skipToIst } from '../../helpers/temporal';
import { HOUR, markDelivered, outbox, useAtrTestBed } from './support';

const bed = useAtrTestBed();

describe('atrWorkflow reminders', () => {
  test('delivers the ATR at once in daytime and sends reminders at 24 h and 72 h, then ends NO_RESPONSE after 7 days', async () => {
    await skipToIst(bed.env, '10:00');
    await bed.withWorker(async ({ atr, client }) => {
      const { workflowId } = await atr.closeGrievance(makeClosure());
      const handle = client.workflow.getHandle(workflowId);
      await markDelivered(handle);
      const result: AtrResult = await handle.result();
      expect(result.outcome).toBe('NO_RESPONSE');
      const state = await handle.query(stateQuery);
      expect(istClock(state.delivery.sentAt!)).toBe('10:00');
      expect(state.reminders.map((r) => [istClock(r.sentAt!), (Date.parse(r.dueAt) - Date.parse(state.delivery.sentAt!)) / HOUR])).toEqual([
        ['10:00', 24],
        ['10:00', 72],
      ]);
      expect(Date.parse(state.feedbackWindowEndsAt!) - Date.parse(state.delivery.sentAt!)).toBe(168 * HOUR);
      expect((await outbox(workflowId)).map((m) => m.purpose)).toEqual(['ATR', 'REMINDER', 'REMINDER']);
      const { rows } = await testPool().query('SELECT outcome FROM closures WHERE workflow_id = $1', [workflowId]);
      expect(rows[0].outcome).toBe('NO_RESPONSE');
      await captureHistory(handle, 'no-response-two-reminders');
    });
  });

  test('sends the second reminder at 09:00 IST when 72 h falls at night', async () => {
    await skipToIst(bed.env, '20:00');
    await bed.withWorker(async ({ atr, client }) => {
      // A department that reminds at 24 h and 74 h: delivered 20:00, the second falls at 22:00.
      const { workflowId } = await atr.closeGrievance(makeClosure({ feedbackPolicy: { reminderOffsetsHours: [24, 74] } }));
      const handle = client.workflow.getHandle(workflowId);
      await markDelivered(handle);
      await handle.result();
      const state = await handle.query(stateQuery);
      const sentAt = Date.parse(state.delivery.sentAt!);
      expect(istClock(sentAt)).toBe('20:00');
      expect(istClock(state.reminders[0]!.sentAt!)).toBe('20:00');
      expect(istClock(state.reminders[1]!.sentAt!)).toBe('09:00');
      // Due exactly at 09:00:00 IST, three days after delivery (two full days, then 20:00 to 09:00).
      const due = new Date(state.reminders[1]!.dueAt);
      expect([due.getUTCSeconds(), due.getUTCMilliseconds()]).toEqual([0, 0]);
      expect(Math.round((due.getTime() - sentAt) / HOUR)).toBe(24 + 48 + 13);
    });
  });

  test('takes the reminders and window from the department policy, and closure overrides win', async () => {
    await testPool().query(
      `INSERT INTO department_policies (department_code, policy) VALUES ('PHED', $1)
       ON CONFLICT (department_code) DO UPDATE SET policy = EXCLUDED.policy`,
      [{ reminderOffsetsHours: [12], feedbackWindowHours: 48, quietHours: null }],
    );
    await skipToIst(bed.env, '11:00');
    await bed.withWorker(async ({ atr, client }) => {
      const department = { code: 'PHED', nameEn: 'Public Health Engineering' };
      const a = await atr.closeGrievance(makeClosure({ department }));
      const b = await atr.closeGrievance(makeClosure({ department, feedbackPolicy: { feedbackWindowHours: 24 } }));
      await client.workflow.getHandle(a.workflowId).result();
      await client.workflow.getHandle(b.workflowId).result();
      const sa = await client.workflow.getHandle(a.workflowId).query(stateQuery);
      const sb = await client.workflow.getHandle(b.workflowId).query(stateQuery);
      expect(sa.policy).toMatchObject({ reminderOffsetsHours: [12], feedbackWindowHours: 48, quietHours: null });
      expect(istClock(sa.reminders[0]!.sentAt!)).toBe('23:00'); // quiet hours switched off for this department
      expect(sb.policy).toMatchObject({ reminderOffsetsHours: [12], feedbackWindowHours: 24 });
    });
  });
});
