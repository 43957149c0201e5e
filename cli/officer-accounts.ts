/**
 * `sampark-atr officers account <officerId>`: creates an officer's inbox login, or resets it, and prints a one-time
 * password to hand over in person. The officer must be in the directory (`officers import`); a reset unlocks the
 * account and ends every session of it. `npm start` seeds its local accounts through the same function.
 */
import type { Pool } from 'pg';
import { createOfficerAccountRepository, type AccountOrigin } from '../db/repositories/officer-accounts';
import { createOfficerRepository } from '../db/repositories/officers';
import { generatePassword, hashPassword } from '../lib/passwords';
import { CliError } from './output';

/** What came of it: the officer, and the password (shown once; only its hash is kept). */
export interface OfficerAccountResult {
  officerId: string;
  name: string;
  role: string;
  scope: string;
  password: string;
}

/** Sets a new random password for a directory officer (origin 'seeded' for npm start's local accounts). */
export async function runOfficerAccount(pool: Pool, officerId: string, origin: AccountOrigin = 'ops', password = generatePassword()): Promise<OfficerAccountResult> {
  const officer = await createOfficerRepository(pool).getOfficer(officerId);
  if (!officer) throw new CliError(`no officer ${officerId} in the directory; load it first with \`sampark-atr officers import <officers.csv>\``);
  if (!officer.active) throw new CliError(`officer ${officerId} is inactive in the directory; an inactive officer cannot log in`);
  await createOfficerAccountRepository(pool).setPassword(officerId, await hashPassword(password), origin);
  const scope = [officer.departmentCode, officer.districtCode].filter(Boolean).join(' / ') || 'state';
  return { officerId, name: officer.name, role: officer.role, scope, password };
}

/** Prints the result; the password goes to the terminal only, never to a log. */
export function printOfficerAccount(r: OfficerAccountResult, out: NodeJS.WritableStream, json = false): void {
  if (json) {
    out.write(`${JSON.stringify(r)}\n`);
    return;
  }
  out.write(`Inbox login for ${r.name} (${r.officerId}, ${r.role}, ${r.scope}):\n  officer ID  ${r.officerId}\n  password    ${r.password}\n`);
  out.write('Hand it over in person. It replaces any earlier password, unlocks the account and ends its sessions.\n');
}
