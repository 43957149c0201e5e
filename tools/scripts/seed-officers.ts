/**
 * `npm start`'s officers: a small directory for the demo's departments and districts (one L1 per demo department
 * and district pair below, the two districts' L2 and the state's L3), each with an inbox login. Passwords are made
 * on this machine on first use and kept in .data/officer-logins.json (0600), so every start prints the same ones;
 * none is written in the code. The accounts are marked 'seeded': a production API refuses to start while any exists.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { runOfficerAccount } from '../../cli/officer-accounts';
import type { Officer } from '../../contracts';
import { createOfficerAccountRepository } from '../../db/repositories/officer-accounts';
import { createOfficerRepository } from '../../db/repositories/officers';
import { generatePassword } from '../../lib/passwords';
import { DATA_DIR, ensureDataDir } from '../../lib/paths';

const LOGINS_FILE = path.join(DATA_DIR, 'officer-logins.json');

/** The demo's officers (numbers are the simulator's, reachable only on this machine). */
export const LOCAL_OFFICERS: readonly Officer[] = [
  { officerId: 'local-l1-lsg-jpr', name: 'Suresh Meena (EE, LSG Jaipur)', role: 'L1', departmentCode: 'LSG', districtCode: 'JPR', whatsappPhone: '+919900000101', active: true },
  { officerId: 'local-l1-phed-jpr', name: 'Anita Sharma (XEN, PHED Jaipur)', role: 'L1', departmentCode: 'PHED', districtCode: 'JPR', whatsappPhone: '+919900000102', active: true },
  { officerId: 'local-l1-energy-jdh', name: 'Vikram Rathore (AEN, Energy Jodhpur)', role: 'L1', departmentCode: 'ENERGY', districtCode: 'JDH', whatsappPhone: '+919900000103', active: true },
  { officerId: 'local-l2-jpr', name: 'Collector Jaipur (PG cell)', role: 'L2', departmentCode: null, districtCode: 'JPR', whatsappPhone: '+919900000201', active: true },
  { officerId: 'local-l2-jdh', name: 'Collector Jodhpur (PG cell)', role: 'L2', departmentCode: null, districtCode: 'JDH', whatsappPhone: '+919900000202', active: true },
  { officerId: 'local-l3-state', name: 'Public Grievance Redressal Dept (state)', role: 'L3', departmentCode: null, districtCode: null, whatsappPhone: '+919900000301', active: true },
];

/** One seeded login, as `npm start` prints it. */
export interface LocalLogin {
  officerId: string;
  role: string;
  scope: string;
  password: string;
}

/**
 * Puts the demo officers in the directory (leaving any row ops or the ladder already wrote) and makes sure each has
 * a login with this machine's password for it.
 */
export async function seedLocalOfficers(pool: Pool, file = LOGINS_FILE): Promise<LocalLogin[]> {
  if (file === LOGINS_FILE) ensureDataDir();
  const known: Record<string, string> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const directory = createOfficerRepository(pool);
  const accounts = createOfficerAccountRepository(pool);
  const missing = [];
  for (const o of LOCAL_OFFICERS) if (!(await directory.getOfficer(o.officerId))) missing.push(o);
  if (missing.length) await directory.upsertOfficers(missing);

  const logins: LocalLogin[] = [];
  for (const o of LOCAL_OFFICERS) {
    const account = await accounts.getAccount(o.officerId);
    let password = known[o.officerId];
    if (!account || !password) {
      password ??= generatePassword();
      await runOfficerAccount(pool, o.officerId, 'seeded', password);
      known[o.officerId] = password;
    }
    logins.push({ officerId: o.officerId, role: o.role, scope: [o.departmentCode, o.districtCode].filter(Boolean).join('/') || 'state', password });
  }
  writeFileSync(file, `${JSON.stringify(known, null, 2)}\n`, { mode: 0o600 });
  return logins;
}

/** The lines `npm start` prints about the inbox. */
export function describeLocalLogins(apiUrl: string, logins: readonly LocalLogin[]): string[] {
  return [
    `  Officers' inbox ${apiUrl}/officer  (local logins, made on this machine and kept in .data/officer-logins.json)`,
    ...logins.map((l) => `    ${l.role} ${l.scope.padEnd(11)} ${l.officerId.padEnd(20)} ${l.password}`),
  ];
}
