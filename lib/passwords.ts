/**
 * Officers' passwords: argon2id through @node-rs/argon2 (prebuilt native binaries, OWASP's first choice for password
 * storage), and one-time passwords generated here, never chosen by a person or written in the code.
 */
import { randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane): about 40 ms a login on one core, so a burst of logins
 * does not starve the API, while an offline guess costs the same 40 ms.
 */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Letters and digits that cannot be mistaken for one another when read aloud or copied from a terminal. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** An argon2id hash (PHC string: algorithm, parameters and salt travel with it). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** Whether the password matches the hash; a malformed hash matches nothing. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

/**
 * A random password of 16 characters from a 55-letter alphabet (about 92 bits), in groups of four for reading
 * aloud: for the seeded local accounts and ops' one-time passwords.
 */
export function generatePassword(): string {
  const chars = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** A hash no password matches, verified when the officer id is unknown so that the answer takes as long. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(generatePassword());
  return decoy;
}
