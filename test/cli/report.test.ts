/**
 * `report` on the run's PostgreSQL: closures seeded through the real store, outbox and webhook inbox (each
 * test in its own department, so the shared database does not disturb the counts), and one closure run
 * end to end by a real worker on the dev server.
 */
import { CliError } from '../../cli/output';
import { parseReportOptions, printReport, runReport, type ReportRow } from '../../cli/report';
import { testPool } from '../helpers/db';
import { makeClosure } from '../helpers/fixtures';
import { runWithWorker, useDevServer } from '../helpers/temporal';
import { capture, daytime, eventually, seedClosure, uniqueCode, waitForStage } from './support';

const dev = useDevServer();

async function rowsFor(department: string, opts = {}): Promise<ReportRow[]> {
  return (await runReport({ pool: testPool() }, opts)).filter((r) => r.department === department);
}

describe('report', () => {
  test('counts a message read before delivered as delivered, and a status delivered twice once', async () => {
    const dept = uniqueCode('R');
    // read arrives first, then delivered; the same webhook again (Meta redelivers).
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: { channel: 'whatsapp', statuses: [['read'], ['delivered'], ['delivered', 'read']] } });
    // only sent and delivered.
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: { channel: 'whatsapp', statuses: [['sent', 'delivered'], ['delivered']] } });
    // sent, never delivered; its reminder was read, which says nothing about the ATR.
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: { channel: 'whatsapp', statuses: [['sent']] }, reminderStatuses: [['delivered', 'read']] });

    expect(await rowsFor(dept)).toEqual([
      expect.objectContaining({ department: dept, district: 'JPR', closures: 3, atrsSent: 3, delivered: 2, read: 1 }),
    ]);
  });

  test('counts an ATR as sent only once WhatsApp accepted it or the outbox recorded it', async () => {
    const dept = uniqueCode('R');
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: { channel: 'whatsapp', state: 'accepted' } });
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: { channel: 'whatsapp', state: 'sending' } });
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: { channel: 'whatsapp', state: 'failed' } });
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: { channel: 'outbox' } });
    await seedClosure(testPool(), { department: dept, district: 'JPR' });

    expect(await rowsFor(dept)).toEqual([expect.objectContaining({ closures: 5, atrsSent: 2, delivered: 0, read: 0, feedbackRate: 0 })]);
  });

  test('counts a closure once when its ATR was sent again and both copies were delivered', async () => {
    const dept = uniqueCode('R');
    await seedClosure(testPool(), {
      department: dept,
      district: 'UDR',
      atr: { channel: 'whatsapp', statuses: [['delivered', 'read']] },
      resend: { statuses: [['delivered', 'read']] },
    });

    expect(await rowsFor(dept)).toEqual([expect.objectContaining({ closures: 1, atrsSent: 1, delivered: 1, read: 1 })]);
  });

  test('computes the feedback rate over ATRs sent and the satisfaction rate over decisive feedback only', async () => {
    const dept = uniqueCode('R');
    const sent = { channel: 'outbox' as const };
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: sent, feedback: [{ rating: 'SATISFIED', decisive: true }], outcome: 'SATISFIED' });
    await seedClosure(testPool(), {
      department: dept,
      district: 'JPR',
      atr: sent,
      // a later "satisfied" after the decisive "not satisfied" changes nothing.
      feedback: [
        { rating: 'NOT_SATISFIED', decisive: true },
        { rating: 'SATISFIED', decisive: false, late: true },
      ],
      escalated: true,
      outcome: 'ESCALATED',
    });
    // feedback only after the window: not decisive, so no feedback in the rates.
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: sent, feedback: [{ rating: 'SATISFIED', decisive: false, late: true }], outcome: 'NO_RESPONSE' });
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: sent, outcome: 'NO_RESPONSE' });

    const [row] = await rowsFor(dept);
    expect(row).toMatchObject({ closures: 4, atrsSent: 4, feedback: 2, satisfied: 1, escalations: 1 });
    expect(row!.feedbackRate).toBeCloseTo(0.5);
    expect(row!.satisfactionRate).toBeCloseTo(0.5);
  });

  test('counts escalations, SMS fallbacks and undeliverable outcomes per department and district', async () => {
    const dept = uniqueCode('R');
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: { channel: 'whatsapp', statuses: [['failed']] }, smsFallback: true, outcome: 'NO_RESPONSE' });
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: { channel: 'whatsapp', state: 'failed' }, outcome: 'UNDELIVERABLE' });
    await seedClosure(testPool(), { department: dept, district: 'UDR', atr: { channel: 'whatsapp' }, escalated: true, feedback: [{ rating: 'NOT_SATISFIED', decisive: true }], outcome: 'ESCALATED' });

    expect(await rowsFor(dept)).toEqual([
      expect.objectContaining({ district: 'JPR', closures: 2, atrsSent: 1, smsFallbacks: 1, undeliverable: 1, escalations: 0, satisfactionRate: null }),
      expect.objectContaining({ district: 'UDR', closures: 1, atrsSent: 1, smsFallbacks: 0, undeliverable: 0, escalations: 1, satisfactionRate: 0 }),
    ]);
  });

  test('ends with a totals row that adds up the rows above it, and prints it under a rule', async () => {
    const dept = uniqueCode('R');
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: { channel: 'outbox' }, feedback: [{ rating: 'SATISFIED', decisive: true }] });

    const rows = await runReport({ pool: testPool() }, {});
    const total = rows[rows.length - 1]!;
    expect(total).toMatchObject({ department: null, district: null });
    const groups = rows.slice(0, -1);
    for (const key of ['closures', 'atrsSent', 'delivered', 'read', 'feedback', 'satisfied', 'escalations', 'smsFallbacks', 'undeliverable'] as const) {
      expect(total[key]).toBe(groups.reduce((n, r) => n + r[key], 0));
    }

    const out = capture();
    printReport(rows, {}, out);
    const lines = out.text().trimEnd().split('\n');
    expect(lines[1]).toMatch(/^DEPT\s+DISTRICT\s+CLOSURES\s+ATR SENT\s+DELIVERED\s+READ\s+FEEDBACK\s+FEEDBACK %\s+SATISFIED %\s+ESCALATED\s+SMS\s+UNDELIVERABLE$/);
    expect(lines.find((l) => l.startsWith(dept))).toMatch(new RegExp(`^${dept}\\s+JPR\\s+1\\s+1\\s+0\\s+0\\s+1\\s+100\\.0%\\s+100\\.0%\\s+0\\s+0\\s+0$`));
    expect(lines[lines.length - 2]).toMatch(/^-+/);
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^TOTAL\\s+${total.closures}\\s`));
  });

  test('selects closures by disposal date in IST, both ends inclusive', async () => {
    const dept = uniqueCode('R');
    // 23:30 IST on 30 November is still 30 November in Jaipur (18:00 UTC).
    await seedClosure(testPool(), { department: dept, district: 'JPR', disposedAt: '2026-11-30T23:30:00+05:30' });
    // 00:10 IST on 1 December is 30 November in UTC, but December in Rajasthan.
    await seedClosure(testPool(), { department: dept, district: 'JPR', disposedAt: '2026-12-01T00:10:00+05:30' });
    await seedClosure(testPool(), { department: dept, district: 'JPR', disposedAt: '2026-11-01T00:00:00+05:30' });
    await seedClosure(testPool(), { department: dept, district: 'JPR', disposedAt: '2026-10-31T23:59:00+05:30' });

    expect((await rowsFor(dept, parseReportOptions({ from: '2026-11-01', to: '2026-11-30' })))[0]?.closures).toBe(2);
    expect((await rowsFor(dept, parseReportOptions({ from: '2026-12-01' })))[0]?.closures).toBe(1);
    expect((await rowsFor(dept, parseReportOptions({ to: '2026-10-31' })))[0]?.closures).toBe(1);
    expect((await rowsFor(dept, {}))[0]?.closures).toBe(4);
  });

  test('refuses a date that is not YYYY-MM-DD, not on the calendar, or a range that ends before it starts', () => {
    expect(() => parseReportOptions({ from: '01-11-2026' })).toThrow(new CliError('--from "01-11-2026" must be a date as YYYY-MM-DD'));
    expect(() => parseReportOptions({ to: '2026-02-30' })).toThrow(CliError);
    expect(() => parseReportOptions({ from: "2026-11-01' OR 1=1 --" })).toThrow(CliError);
    expect(() => parseReportOptions({ from: '2026-11-30', to: '2026-11-01' })).toThrow('--to 2026-11-01 is before --from 2026-11-30');
    expect(parseReportOptions({ from: '2026-11-01', to: '2026-11-01' })).toEqual({ from: '2026-11-01', to: '2026-11-01' });
  });

  test('prints JSON with rates as fractions and no personal data', async () => {
    const dept = uniqueCode('R');
    await seedClosure(testPool(), { department: dept, district: 'JPR', atr: { channel: 'outbox' }, feedback: [{ rating: 'NOT_SATISFIED', decisive: true }], escalated: true });
    const rows = await runReport({ pool: testPool() }, {});
    const out = capture();
    printReport(rows, {}, out, true);
    const json = JSON.parse(out.text()) as { from: null; to: null; rows: ReportRow[] };
    expect(json.rows.find((r) => r.department === dept)).toEqual({
      department: dept,
      district: 'JPR',
      closures: 1,
      atrsSent: 1,
      delivered: 0,
      read: 0,
      feedback: 1,
      satisfied: 0,
      feedbackRate: 1,
      satisfactionRate: 0,
      escalations: 1,
      smsFallbacks: 0,
      undeliverable: 0,
    });
    expect(out.text()).not.toMatch(/9876543210|राम कुमार/);
  });

  test('counts a closure the worker ran end to end: ATR sent through the outbox, satisfied feedback', async () => {
    const dept = uniqueCode('R');
    await runWithWorker({ connection: dev }, async ({ atr, client }) => {
      const closure = makeClosure({ ...daytime, department: { code: dept, nameEn: 'Report Department' } });
      const { workflowId } = await atr.closeGrievance(closure);
      await waitForStage(atr, closure.grievanceId, 'AWAITING_FEEDBACK');
      await atr.submitFeedback(closure.grievanceId, { rating: 'SATISFIED', messageId: 'helpline-report-1' });
      const row = await eventually(async () => {
        const [r] = await rowsFor(dept);
        return r?.satisfied === 1 ? r : undefined;
      });
      expect(row).toMatchObject({ district: 'JPR', closures: 1, atrsSent: 1, feedback: 1, satisfied: 1, feedbackRate: 1, satisfactionRate: 1, escalations: 0 });
      await client.workflow.getHandle(workflowId).terminate('test finished');
    });
  });
});
