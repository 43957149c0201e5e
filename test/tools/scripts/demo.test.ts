/**
 * `npm run demo` against a real API: the demo's closures are valid, every one is accepted and reaches the
 * citizen's phone on the WhatsApp simulator as the ATR template; each run starts new grievances, and
 * posting a run again (same run id) starts nothing new.
 */
import { ClosureSchema } from '../../../contracts/closure';
import type { SimMessageView } from '../../../tools/simulator/server';
import { TEMPLATES } from '../../../messaging/whatsapp/protocol';
import { DEMO_ANSWERS, DEMO_SIZE, demoClosures, demoPhone, demoRunId } from '../../../tools/scripts/demo-closures';
import { testPool } from '../../helpers/db';
import { DemoError, demoOptionsFromEnv, runDemo, type DemoOptions } from '../../../tools/scripts/demo';
import { useDevServer } from '../../helpers/temporal';
import { eventually, withWhatsApp, type WhatsAppLoop } from '../../helpers/whatsapp';

const API_KEY = 'e2e-portal-key-0123456789';

const dev = useDevServer();

type Sent = SimMessageView & {
  request: { type: string; template?: { name: string; language: { code: string }; components: { type: string; parameters: { type: string; document?: { filename: string } }[] }[] } };
};

/** The ATR template messages the simulator accepted for a number, by document filename. */
async function atrMessages(simCall: WhatsAppLoop['simCall'], phone: string): Promise<Map<string, Sent>> {
  const sent = await simCall<Sent[]>('GET', `/_sim/messages?to=${encodeURIComponent(phone)}`);
  const atrs = sent.filter((m) => m.httpStatus === 200 && m.request.template?.name === TEMPLATES.atrDisposed.name);
  return new Map(atrs.map((m) => [m.request.template!.components[0]!.parameters[0]!.document!.filename, m]));
}

describe('npm run demo', () => {
  test('the demo closures are valid, varied, and go to one distinct phone each', () => {
    const now = new Date('2026-11-28T18:30:00Z'); // 00:00 IST on the 29th
    const closures = demoClosures(demoRunId(now), now);
    expect(closures).toHaveLength(DEMO_SIZE);
    for (const c of closures) {
      const parsed = ClosureSchema.parse(c);
      expect(parsed.feedbackPolicy).toEqual({ quietHours: null });
      expect(Date.parse(parsed.disposedAt)).toBeLessThan(now.getTime());
      expect(now.getTime() - Date.parse(parsed.registeredAt)).toBeGreaterThan(7 * 86_400_000);
    }
    expect(new Set(closures.map((c) => c.grievanceId)).size).toBe(DEMO_SIZE);
    expect(closures.map((c) => c.citizen.phone)).toEqual(Array.from({ length: DEMO_SIZE }, (_, i) => demoPhone(i + 1)));
    expect(new Set(closures.map((c) => c.department.code)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(closures.map((c) => c.district.code)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(closures.map((c) => c.citizen.language))).toEqual(new Set(['hi', 'en']));
    expect(closures.filter((c) => c.cycle === 2)).toHaveLength(1);
    expect(closures.filter((c) => (c.attachments ?? []).length > 0)).toHaveLength(1);
    expect(demoRunId(now)).toBe('DEMO-20261129-000000000');
  });

  test('every closure is accepted and reaches its citizen as the ATR template; a second run starts new grievances, the same run id again starts nothing', async () => {
    await withWhatsApp(dev, async ({ client, simUrl, apiUrl, simCall }) => {
      const lines: string[] = [];
      const options: DemoOptions = {
        ...demoOptionsFromEnv({}),
        apiUrl,
        apiKey: API_KEY,
        simulatorUrl: simUrl,
        print: (line) => lines.push(line),
      };
      const started: string[] = [];
      try {
        const first = await runDemo(options);
        started.push(...first.results.map((r) => r.workflowId!));
        expect(first.results.map((r) => [r.status, r.duplicate])).toEqual(Array(DEMO_SIZE).fill([202, false]));

        const output = lines.join('\n');
        expect(output).toContain('quietHours = null');
        expect(output).toContain('Temporal Web UI: http://127.0.0.1:8233');
        expect(output).toContain('DepartmentCode="LSG"');
        for (const r of first.results) {
          expect(r.workflowId).toBe(`atr-${r.closure.grievanceId}-c${r.closure.cycle}`);
          expect(r.phonePageUrl).toBe(`${simUrl}/phone/${encodeURIComponent(r.closure.citizen.phone)}`);
          expect(output).toContain(r.workflowId);
          expect(output).toContain(r.phonePageUrl);
        }

        // Three citizens answer through the helpline: an escalation at each level, named with the officer who sees it.
        const answered = DEMO_ANSWERS.map((a) => first.results[a.closure - 1]!.workflowId!);
        const escalations = await eventually(async () => {
          const { rows } = await testPool().query<{ workflow_id: string; level: number }>('SELECT workflow_id, level FROM escalations WHERE workflow_id = ANY($1)', [answered]);
          return rows.length === DEMO_ANSWERS.length ? rows : undefined;
        }, 60_000);
        expect(answered.map((id) => escalations.find((e) => e.workflow_id === id)!.level)).toEqual([1, 2, 3]);
        for (const a of DEMO_ANSWERS) expect(output).toContain(`level ${a.level}, inbox of ${a.officerId}`);

        // Each citizen's phone gets its ATR as the approved template, in their language, and shows it.
        for (const r of first.results) {
          const filename = `ATR-${r.closure.grievanceId}.pdf`;
          const atr = await eventually(async () => (await atrMessages(simCall, r.closure.citizen.phone)).get(filename), 60_000);
          expect(atr.request.template!.language.code).toBe(r.closure.citizen.language);
          const page = await (await fetch(r.phonePageUrl)).text();
          expect(page).toContain(filename);
        }

        // Run again: new grievances (new ids, new workflows) to the same demo phones.
        const second = await runDemo({ ...options, runId: undefined });
        started.push(...second.results.map((r) => r.workflowId!));
        expect(second.runId).not.toBe(first.runId);
        expect(second.results.map((r) => [r.status, r.duplicate])).toEqual(Array(DEMO_SIZE).fill([202, false]));
        expect(new Set(started).size).toBe(2 * DEMO_SIZE);
        for (const r of second.results) {
          await eventually(async () => ((await atrMessages(simCall, r.closure.citizen.phone)).size === 2 ? true : undefined), 60_000);
        }

        // The same run id again: the API recognises every closure and starts nothing.
        const again = await runDemo({ ...options, runId: first.runId });
        expect(again.results.map((r) => [r.status, r.duplicate, r.workflowId])).toEqual(first.results.map((r) => [200, true, r.workflowId]));
      } finally {
        for (const id of started) {
          await client.workflow.getHandle(id).terminate('test done').catch(() => undefined);
          await client.workflow.getHandle(id.replace(/^atr-/, 'esc-')).terminate('test done').catch(() => undefined);
        }
      }
    });
  });

  test('says to start the stack with npm start when the API is not reachable', async () => {
    const lines: string[] = [];
    const run = runDemo({ ...demoOptionsFromEnv({}), apiUrl: 'http://127.0.0.1:9', print: (l) => lines.push(l) });
    await expect(run).rejects.toThrow(DemoError);
    await expect(run).rejects.toThrow(/not reachable at http:\/\/127\.0\.0\.1:9 .*\n.*npm start/);
    expect(lines).toEqual([]);
  });

  test('says which key to set when the API refuses it, before posting anything', async () => {
    await withWhatsApp(dev, async ({ apiUrl, simUrl }) => {
      const run = runDemo({ ...demoOptionsFromEnv({}), apiUrl, apiKey: 'wrong-key-0123456789', simulatorUrl: simUrl, print: () => undefined });
      await expect(run).rejects.toThrow(/refused the API key\. Set PORTAL_API_KEY/);
    });
  });
});
