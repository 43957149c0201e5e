/**
 * `sampark-atr events` on a database of this file's own (the backlog counts every event in it): the backlog, one
 * grievance's events, replay from a point in time, and the shipped bin parsing `events replay`'s own options.
 */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseSince, printEvents, printEventsReplay, runEvents, runEventsReplay } from '../../cli/events';
import type { NewPortalEvent } from '../../contracts/events';
import { appendPortalEvents, createPortalEventRepository } from '../../db/repositories/portal-events';
import { PROJECT_ROOT } from '../../lib/paths';
import { closeTestPool, testDatabaseUrl, testPool, useOwnDatabase } from '../helpers/db';
import { uniqueGrievanceId } from '../helpers/fixtures';
import { capture } from './support';

useOwnDatabase();
afterAll(closeTestPool);

const NOW = new Date('2026-12-01T06:00:00.000Z');

function eventsOf(grievanceId: string): NewPortalEvent[] {
  const workflowId = `atr-${grievanceId}-c1`;
  const at = (min: number) => new Date(Date.UTC(2026, 11, 1, 5, min)).toISOString();
  return [
    { id: `${workflowId}:atr.delivered:w1`, type: 'atr.delivered', grievanceId, cycle: 1, occurredAt: at(0), data: { workflowId, channel: 'whatsapp', messageId: 'w1', deliveredAt: at(0) } },
    { id: `${workflowId}:closure.outcome`, type: 'closure.outcome', grievanceId, cycle: 1, occurredAt: at(30), data: { workflowId, outcome: 'SATISFIED' } },
  ];
}

describe('sampark-atr events', () => {
  test('shows the backlog by status and type, the oldest pending, and the latest refused with the reason', async () => {
    const [a, b] = [uniqueGrievanceId(), uniqueGrievanceId()];
    await appendPortalEvents(testPool(), [...eventsOf(a), ...eventsOf(b)]);
    const repo = createPortalEventRepository(testPool());
    await repo.markDelivered(`atr-${a}-c1:atr.delivered:w1`);
    await repo.markRejected(`atr-${a}-c1:closure.outcome`, 'HTTP 422: unknown outcome');

    const out = capture();
    printEvents(await runEvents({ pool: testPool() }, {}), out, false, NOW);
    expect(out.text()).toContain('Events to the portal: 2 pending (oldest from 2026-12-01 10:30:00 IST, 60 min ago)');
    expect(out.text()).toMatch(/PENDING\s+atr\.delivered\s+1\n/);
    expect(out.text()).toMatch(/DELIVERED\s+atr\.delivered\s+1\n/);
    expect(out.text()).toMatch(new RegExp(`${a}\\s+closure\\.outcome\\s+HTTP 422: unknown outcome`));

    const one = capture();
    printEvents(await runEvents({ pool: testPool() }, { grievanceId: a }), one);
    expect(one.text()).toContain(`Events of grievance ${a}`);
    expect(one.text()).toMatch(/1\s+atr\.delivered\s+1\s+2026-12-01 10:30:00 IST\s+DELIVERED/);
    expect(one.text()).toMatch(/2\s+closure\.outcome\s+1\s+2026-12-01 11:00:00 IST\s+REJECTED\s+0\s+HTTP 422: unknown outcome/);
  });

  test('replay queues delivered and refused events from a point in time again, keeping their ids', async () => {
    const g = uniqueGrievanceId();
    await appendPortalEvents(testPool(), eventsOf(g));
    const repo = createPortalEventRepository(testPool());
    await repo.markDelivered(`atr-${g}-c1:atr.delivered:w1`);
    await repo.markRejected(`atr-${g}-c1:closure.outcome`, 'HTTP 400');
    const result = await runEventsReplay({ pool: testPool() }, { since: new Date('2026-12-01T05:10:00Z'), grievanceId: g });
    expect(result).toEqual({ requeued: 1, since: '2026-12-01T05:10:00.000Z', grievanceId: g });
    const events = await repo.forGrievance(g);
    expect(events.map((e) => [e.id, e.status])).toEqual([
      [`atr-${g}-c1:atr.delivered:w1`, 'DELIVERED'],
      [`atr-${g}-c1:closure.outcome`, 'PENDING'],
    ]);
    const out = capture();
    printEventsReplay(result, out);
    expect(out.text()).toBe(`1 event(s) since 2026-12-01 10:40:00 IST of grievance ${g} queued to be sent again (same ids: the portal drops what it has)\n`);
  });

  test('refuses a --since that is not a time or is in the future', () => {
    expect(() => parseSince('yesterday', NOW)).toThrow('--since: "yesterday" is not an ISO 8601 time');
    expect(() => parseSince('2026-12-02T00:00:00Z', NOW)).toThrow('--since: 2026-12-02T00:00:00Z is in the future');
    expect(parseSince('2026-12-01T09:00:00+05:30', NOW).toISOString()).toBe('2026-12-01T03:30:00.000Z');
  });

  test('the bin takes `events replay --since … --grievance …` as the replay\'s options', async () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: PROJECT_ROOT, stdio: 'pipe' });
    const g = uniqueGrievanceId();
    await appendPortalEvents(testPool(), eventsOf(g));
    await createPortalEventRepository(testPool()).markDelivered(`atr-${g}-c1:closure.outcome`);
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [path.join(PROJECT_ROOT, 'dist', 'cli', 'index.js'), 'events', 'replay', '--since', '2026-12-01T05:00:00Z', '--grievance', g, '--json'],
        { cwd: PROJECT_ROOT, timeout: 60_000, env: { PATH: process.env.PATH ?? '', DATABASE_URL: testDatabaseUrl() } },
        (err, stdout, stderr) => resolve({ code: err ? -1 : 0, stdout, stderr }),
      ),
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({ requeued: 1, since: '2026-12-01T05:00:00.000Z', grievanceId: g });
  }, 180_000);
});
