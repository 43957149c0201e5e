/** `resend` on the dev server with a real worker: a new ATR message, or the workflow's reason for refusing. */
import { AtrClient } from '../../client';
import { CliError } from '../../cli/output';
import { defaultRequester, parseRequester, printResend, runResend } from '../../cli/resend';
import { testIntake, testPool } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { runWithWorker, useDevServer } from '../helpers/temporal';
import { capture, daytime, eventually, waitForStage } from './support';

const dev = useDevServer();

/** IST "HH:MM", `minutes` from now. */
function istClockIn(minutes: number): string {
  const d = new Date(Date.now() + (330 + minutes) * 60_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

describe('resend', () => {
  test('sends the ATR again, prints the new message id, and records who asked', async () => {
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      const closure = makeClosure(daytime);
      const { workflowId } = await atr.closeGrievance(closure);
      await waitForStage(atr, closure.grievanceId, 'AWAITING_FEEDBACK');

      const result = await runResend({ atr }, closure.grievanceId, 'ops:meena');
      expect(result).toEqual({ grievanceId: closure.grievanceId, workflowId, messageId: expect.stringMatching(/^outbox-/), resends: 1, requestedBy: 'ops:meena' });
      const { rows } = await testPool().query<{ message_id: string }>(
        `SELECT message_id FROM outbound_messages WHERE workflow_id = $1 AND purpose = 'ATR' ORDER BY created_at`,
        [workflowId],
      );
      expect(rows).toHaveLength(2);
      expect(rows[1]!.message_id).toBe(result.messageId);
      expect((await atr.getStatus(closure.grievanceId)).state?.resends).toEqual([{ messageId: result.messageId, sentAt: expect.any(String), requestedBy: 'ops:meena' }]);

      const out = capture();
      printResend(result, out);
      expect(out.text()).toContain(`message id: ${result.messageId}\n`);
      expect(out.text()).toContain('resend #1 by ops:meena');
      await client.workflow.getHandle(workflowId).terminate('test finished');
    });
  });

  test("refuses with the workflow's reason when the ATR has not gone out yet (quiet hours)", async () => {
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      // Quiet hours around now: the ATR waits for daytime, so there is nothing to send again.
      const closure = makeClosure({ feedbackPolicy: { quietHours: { start: istClockIn(-60), end: istClockIn(120) } } });
      const { workflowId } = await atr.closeGrievance(closure);
      await waitForStage(atr, closure.grievanceId, 'WAITING_FOR_DAYTIME');

      await expect(runResend({ atr }, closure.grievanceId, 'ops:meena')).rejects.toThrow(
        new CliError(`resend refused for grievance ${closure.grievanceId}: the ATR has not been sent yet`),
      );
      await client.workflow.getHandle(workflowId).terminate('test finished');
    });
  });

  test('refuses once the workflow has ended, and for a grievance never closed through us', async () => {
    const closure = makeClosure(daytime);
    const atr = new AtrClient(dev.client, testIntake(), 'no-worker-needed');
    const { workflowId } = await atr.closeGrievance(closure);
    await dev.client.workflow.getHandle(workflowId).terminate('test: closed by ops');
    await eventually(async () => ((await atr.getStatus(closure.grievanceId).catch(() => undefined))?.execution === 'TERMINATED' ? true : undefined));

    await expect(runResend({ atr }, closure.grievanceId, 'ops:meena')).rejects.toThrow(
      new CliError(`resend refused for grievance ${closure.grievanceId}: its workflow ${workflowId} has ended`),
    );
    await expect(runResend({ atr }, 'NEVER-CLOSED-4712', 'ops:meena')).rejects.toThrow(new CliError('no ATR workflow found for grievance NEVER-CLOSED-4712'));
  });

  test('names the operator ops:$USER by default and refuses an unprintable --by', async () => {
    expect(defaultRequester({ USER: 'kavita' })).toBe('ops:kavita');
    expect(defaultRequester({ USERNAME: 'kavita' })).toBe('ops:kavita');
    expect(defaultRequester({})).toMatch(/^ops:.+/);
    expect(parseRequester(' ops:सुनीता ')).toBe('ops:सुनीता');
    expect(() => parseRequester('ops:x\u001b[2J')).toThrow(CliError);
    expect(() => parseRequester('')).toThrow(CliError);
  });
});
