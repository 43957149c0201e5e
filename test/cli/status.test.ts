/**
 * `status` on the dev server with a real worker: the live state from the workflow, the messages and the
 * escalation row from PostgreSQL, and never the citizen's name, phone or comment.
 */
import { AtrClient, GrievanceNotFoundError } from '../../client';
import { CliError } from '../../cli/output';
import { printStatus, runStatus, type StatusReport } from '../../cli/status';
import { testIntake, testPool } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { runWithWorker, useDevServer } from '../helpers/temporal';
import { capture, daytime, deliverStatuses, eventually, waitForStage } from './support';

const dev = useDevServer();

const COMMENT = 'कोई अधिकारी नहीं आया, मेरा नंबर 9876543210 है';

describe('status', () => {
  test('shows stage, delivery, feedback reason, escalation and outcome, with the messages sent and the escalation row', async () => {
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      const closure = makeClosure(daytime);
      const { workflowId } = await atr.closeGrievance(closure);
      await waitForStage(atr, closure.grievanceId, 'AWAITING_FEEDBACK');
      await atr.submitFeedback(closure.grievanceId, { rating: 'NOT_SATISFIED', reason: 'NO_CONTACT', comment: COMMENT, messageId: 'helpline-status-1' });
      // The outcome is recorded first; the acknowledgement then goes, and the run stays open for late feedback.
      await eventually(async () => ((await atr.getStatus(closure.grievanceId)).state?.stage === 'LATE_FEEDBACK_OPEN' ? true : undefined));

      const report = await runStatus({ atr, pool: testPool() }, closure.grievanceId);
      expect(report).toMatchObject({
        grievanceId: closure.grievanceId,
        cycle: 1,
        workflowId,
        execution: 'RUNNING',
        live: true,
        stage: 'LATE_FEEDBACK_OPEN',
        delivery: { status: 'SENT', channel: 'outbox', messageId: expect.stringMatching(/^outbox-/), fallback: null },
        feedback: { rating: 'NOT_SATISFIED', reason: 'NO_CONTACT', channel: 'helpline' },
        escalation: { level: 1, levelName: 'DEPARTMENT' },
        outcome: 'ESCALATED',
        escalationRow: { escalationId: `esc-${workflowId}`, level: 1, levelName: 'DEPARTMENT', reason: 'NO_CONTACT', currentLevel: 1, status: 'OPEN' },
      });
      expect(report.reminders.map((r) => r.number)).toEqual([1, 2]);
      expect(report.messages.map((m) => [m.purpose, m.channel, m.state])).toEqual([
        ['ATR', 'outbox', 'accepted'],
        ['ACKNOWLEDGEMENT', 'outbox', 'accepted'],
      ]);

      const human = capture();
      printStatus(report, human);
      expect(human.text()).toMatch(/stage\s+LATE_FEEDBACK_OPEN/);
      expect(human.text()).toMatch(/feedback\s+NOT_SATISFIED, reason NO_CONTACT, via helpline/);
      expect(human.text()).toMatch(/escalation\s+level 1 \(DEPARTMENT\); the portal's events: `npx sampark-atr events --grievance /);
      expect(human.text()).toMatch(/outcome\s+ESCALATED/);
      expect(human.text()).toContain(`esc-${workflowId}: raised at level 1 (DEPARTMENT), reason NO_CONTACT`);
      expect(human.text()).toMatch(/now: level 1 \(DEPARTMENT\), OPEN/);
      expect(human.text()).toMatch(/ATR\s+outbox\s+accepted/);

      const json = capture();
      printStatus(report, json, true);
      expect(JSON.parse(json.text())).toEqual(report);

      for (const text of [human.text(), json.text()]) {
        expect(text).not.toContain('9876543210');
        expect(text).not.toContain(closure.citizen.name);
        expect(text).not.toContain('कोई अधिकारी');
      }
      await client.workflow.getHandle(workflowId).terminate('test finished');
    });
  });

  test("shows a message's furthest channel status even when the statuses arrived out of order", async () => {
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      const closure = makeClosure(daytime);
      const { workflowId } = await atr.closeGrievance(closure);
      await waitForStage(atr, closure.grievanceId, 'AWAITING_FEEDBACK');
      const before = await runStatus({ atr, pool: testPool() }, closure.grievanceId);
      const atrMessage = before.messages.find((m) => m.purpose === 'ATR')!;
      expect(atrMessage.delivery).toBeNull();

      await deliverStatuses(testPool(), atrMessage.messageId!, ['read']);
      await deliverStatuses(testPool(), atrMessage.messageId!, ['sent', 'delivered']);

      const after = await runStatus({ atr, pool: testPool() }, closure.grievanceId);
      expect(after.messages.find((m) => m.purpose === 'ATR')).toMatchObject({ delivery: 'READ', state: 'accepted' });
      await client.workflow.getHandle(workflowId).terminate('test finished');
    });
  });

  test('falls back to the search attributes, within its answer timeout, when no worker can answer for the workflow', async () => {
    let grievanceId = '';
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      const closure = makeClosure(daytime);
      grievanceId = closure.grievanceId;
      const { workflowId } = await atr.closeGrievance(closure);
      await waitForStage(atr, closure.grievanceId, 'AWAITING_FEEDBACK');
      await client.workflow.getHandle(workflowId).terminate('test: stopped by ops');
    });
    const report = await eventually(async () => {
      const r: StatusReport = await runStatus({ atr: new AtrClient(dev.client, testIntake()), pool: testPool(), answerTimeoutMs: 2_000 }, grievanceId);
      return r.execution === 'TERMINATED' ? r : undefined;
    });
    expect(report).toMatchObject({ live: false, stage: null, delivery: { status: 'SENT' }, feedbackOutcome: 'AWAITING', outcome: null });
    const out = capture();
    printStatus(report, out);
    expect(out.text()).toMatch(/no answer from the workflow/);
    expect(out.text()).toMatch(/ATR\s+outbox\s+accepted/);
  });

  test('says a grievance never closed through us is not found', async () => {
    await expect(runStatus({ atr: new AtrClient(dev.client, testIntake()), pool: testPool() }, 'NEVER-CLOSED-4711')).rejects.toThrow(
      new GrievanceNotFoundError('NEVER-CLOSED-4711'),
    );
  });

  test('refuses a grievance id that could not be one, before asking Temporal', async () => {
    const atr = { getStatus: jest.fn() };
    await expect(runStatus({ atr, pool: testPool() }, 'G1" OR GrievanceId != "x')).rejects.toThrow(CliError);
    expect(atr.getStatus).not.toHaveBeenCalled();
  });

  test('shows what holds a blocked ATR: the code, since when, and the channel\'s words', () => {
    const report: StatusReport = {
      grievanceId: 'G1',
      cycle: 1,
      workflowId: 'atr-G1-c1',
      execution: 'RUNNING',
      live: true,
      stage: 'DELIVERY_BLOCKED',
      delivery: {
        status: 'PENDING',
        channel: null,
        messageId: null,
        sentAt: null,
        updatedAt: null,
        errorCode: null,
        reason: null,
        fallback: null,
        blocked: { channel: 'whatsapp', code: 'whatsapp:190', reason: 'Error validating access token: Session has expired', since: '2026-12-01T05:30:00.000Z' },
      },
      reminders: [],
      resends: [],
      feedbackWindowEndsAt: null,
      closesAt: null,
      feedbackOutcome: 'AWAITING',
      feedback: null,
      laterFeedback: 0,
      escalation: null,
      outcome: null,
      outcomeReason: null,
      messages: [],
      escalationRow: null,
      citizenReplies: [],
      voiceNotes: [],
    };
    const out = capture();
    printStatus(report, out);
    expect(out.text()).toMatch(/^ {2}blocked\s+whatsapp:190 since 2026-12-01 11:00:00 IST \(Error validating access token: Session has expired\); fix it, then `npx sampark-atr resume`$/m);
    const unblocked = capture();
    printStatus({ ...report, delivery: { ...report.delivery, blocked: null } }, unblocked);
    expect(unblocked.text()).not.toContain('blocked');
  });
});
