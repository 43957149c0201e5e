/**
 * `npm start`'s officers: the demo directory and a login for each, with passwords made on this machine, the same on
 * every start, never one written in the code; the accounts are marked seeded (production refuses them).
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOfficerAccountRepository } from '../../../db/repositories/officer-accounts';
import { verifyPassword } from '../../../lib/passwords';
import { LOCAL_OFFICERS, seedLocalOfficers } from '../../../tools/scripts/seed-officers';
import { closeTestPool, testPool } from '../../helpers/db';

afterAll(closeTestPool);

test('seeds an L1, L2 and L3 login per machine, stable across starts, kept in a private file, marked seeded', async () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'officer-seed-')), 'officer-logins.json');
  const first = await seedLocalOfficers(testPool(), file);
  expect(first.map((l) => l.role).sort()).toEqual(LOCAL_OFFICERS.map((o) => o.role).sort());
  expect(new Set(first.map((l) => l.password)).size).toBe(first.length);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(Object.fromEntries(first.map((l) => [l.officerId, l.password])));

  const again = await seedLocalOfficers(testPool(), file);
  expect(again).toEqual(first);
  const accounts = createOfficerAccountRepository(testPool());
  for (const login of again) {
    const account = (await accounts.getAccount(login.officerId))!;
    expect({ id: login.officerId, origin: account.origin, matches: await verifyPassword(account.passwordHash, login.password) }).toEqual({ id: login.officerId, origin: 'seeded', matches: true });
  }
  expect(await accounts.seededAccounts()).toEqual(expect.arrayContaining(LOCAL_OFFICERS.map((o) => o.officerId)));

  // Another machine (a fresh file) gets passwords of its own.
  const elsewhere = await seedLocalOfficers(testPool(), path.join(path.dirname(file), 'other.json'));
  expect(elsewhere.map((l) => l.password)).not.toEqual(first.map((l) => l.password));
});
