/**
 * `resend` on the dev server with a real worker: a new ATR message and what came of it, or the workflow's reason
 * for refusing; and how each outcome reads to the operator.
 */
import { AtrClient } from '../../client';
import { CliError } from '../../cli/output';
import { defaultRequester, parseRequester, printResend, resendFailed, runResend, type ResendResult } from '../../cli/resend';
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
      expect(result).toMatchObject({ grievanceId: closure.grievanceId, workflowId, messageId: expect.stringMatching(/^outbox-/), resends: 1, requestedBy: 'ops:meena', channel: 'whatsapp' });
      // The outbox sends no receipts: the resend went, and nothing more is known.
      expect(result.status).toBe('SENT');
      expect(result.outcomeDecided).toBeUndefined();
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
      expect(out.text()).toMatch(/^ATR sent again, no receipt yet from WhatsApp$/m);
      expect(out.text()).not.toContain('warning');
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

  describe('prints the truth about the resend', () => {
    const base: ResendResult = { grievanceId: 'G1', workflowId: 'atr-G1-c1', requestedBy: 'ops:meena', messageId: 'm1', resends: 2, channel: 'whatsapp', status: 'SENT' };
    const printed = (r: ResendResult) => {
      const out = capture();
      printResend(r, out);
      return out.text();
    };

    test('sent by SMS when WhatsApp cannot reach the citizen', () => {
      expect(printed({ ...base, channel: 'sms', messageId: 'sms-1' })).toMatch(/^ATR sent by SMS \(WhatsApp cannot reach this citizen\)$/m);
    });

    test("WhatsApp's refusal with its reason, and the command fails", () => {
      const refused: ResendResult = { ...base, status: 'FAILED', reason: 'Message undeliverable (131026)' };
      expect(printed(refused)).toMatch(/^WhatsApp refused: Message undeliverable \(131026\)$/m);
      expect(resendFailed(refused)).toBe(true);
      expect(resendFailed(base)).toBe(false);
    });

    test('delivered or read once the receipt came within the wait', () => {
      expect(printed({ ...base, status: 'DELIVERED' })).toMatch(/^ATR sent again on WhatsApp: delivered$/m);
      expect(printed({ ...base, status: 'READ' })).toMatch(/^ATR sent again on WhatsApp: delivered and read$/m);
    });

    test('a warning first when the outcome was already decided', () => {
      const text = printed({ ...base, outcomeDecided: 'SATISFIED' });
      expect(text.split('\n')[0]).toBe("warning: this closure's outcome is already decided (SATISFIED); the resend changes nothing about it");
    });
  });
});
