/**
 * `sampark-atr escalations`: the ladder's read model as ops read it, most urgent SLA first with times in IST, the
 * vigilance mark, JSON without the citizen's reason, and a bad filter named by its option.
 */
import { CliError } from '../../cli/output';
import { listEscalations } from '../../cli/escalations';
import { closeTestPool, testPool } from '../helpers/db';
import { JPR, seed } from '../helpers/transparency';
import { capture, uniqueCode } from './support';

afterAll(closeTestPool);

test('lists the escalations of a department, most urgent SLA first, with SLA times in IST', async () => {
  const department = { code: uniqueCode('D'), nameEn: 'Department', nameHi: 'विभाग' };
  const disposedAt = '2026-10-01T11:00:00+05:30';
  const [breached, open] = await seed([
    { department, district: JPR, disposedAt, minutes: 5, rating: 'NOT_SATISFIED', level: 2, ladder: 'BREACHED' },
    { department, district: JPR, disposedAt, minutes: 5, rating: 'NOT_SATISFIED', level: 1 },
  ]);
  const out = capture();
  expect(await listEscalations(testPool(), { department: department.code }, out)).toBe(2);
  const lines = out.text().trimEnd().split('\n');
  expect(lines[0]).toMatch(/^ESCALATION\s+GRIEVANCE\s+CYCLE\s+LEVEL\s+STATUS\s+DEPARTMENT\s+DISTRICT\s+SLA DUE$/);
  // The breached one was due 72 h after the feedback (a day after disposal, 11:00 IST): 5 Oct, 11:00 IST.
  expect(lines[2]).toMatch(new RegExp(`^esc-${breached}\\s.*\\s2\\s+BREACHED\\s+${department.code}\\s+JPR\\s+2026-10-05 11:00:00 IST$`));
  expect(lines[3]).toMatch(new RegExp(`^esc-${open}\\s.*\\s1\\s+OPEN\\s+${department.code}\\s+JPR\\s+-$`));

  const json = capture();
  await listEscalations(testPool(), { department: department.code, status: 'breached' }, json, true);
  const rows = JSON.parse(json.text()) as Record<string, unknown>[];
  expect(rows.map((r) => r.escalationId)).toEqual([`esc-${breached}`]);
  expect(rows[0]).not.toHaveProperty('reason');
});

test('names the option of a bad filter, and lists nothing', async () => {
  const out = capture();
  await expect(listEscalations(testPool(), { level: '9' }, out)).rejects.toThrow(CliError);
  await expect(listEscalations(testPool(), { level: '9', district: 'no spaces' }, out)).rejects.toThrow(/--level must be 1, 2 or 3; --district must be 1-32 letters/);
  expect(out.text()).toBe('');
});
