/**
 * Secrets for one developer machine, made on first use and kept under .data/ (git-ignored): the ATR
 * signing key, the payload encryption key, the codec server token and the officers' inbox cookie secret. `npm start` and the CLI use them when
 * the environment sets none, so a laptop works with one command and its histories and ATRs stay readable
 * across restarts. A real deployment sets ATR_SIGNING_KEYS, PAYLOAD_CODEC_KEYS and CODEC_AUTH_TOKEN.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR, ensureDataDir } from './paths';

/** This machine's local secrets, in the environment-variable formats. */
export interface LocalSecrets {
  ATR_SIGNING_KEYS: string;
  PAYLOAD_CODEC_KEYS: string;
  CODEC_AUTH_TOKEN: string;
  /** Signs the officers' inbox cookies, so a restart keeps officers signed in. */
  OFFICER_COOKIE_SECRET: string;
}

const SECRETS_FILE = path.join(DATA_DIR, 'local-secrets.json');

/** The local secrets if `npm start` has made them, without creating any (tools must not invent keys). */
export function existingLocalSecrets(file = SECRETS_FILE): Partial<LocalSecrets> | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>) : undefined;
}

/** Reads the local secrets, creating any that are missing. */
export function localSecrets(): LocalSecrets {
  ensureDataDir();
  const file = SECRETS_FILE;
  const stored: Partial<LocalSecrets> = existingLocalSecrets(file) ?? {};
  // Older checkouts kept the signing key on its own; keep using it so their ATRs still verify.
  const legacySigning = path.join(DATA_DIR, 'atr-signing-key');
  const secrets: LocalSecrets = {
    ATR_SIGNING_KEYS: stored.ATR_SIGNING_KEYS ?? `local:${existsSync(legacySigning) ? readFileSync(legacySigning, 'utf8').trim() : randomBytes(32).toString('base64url')}`,
    PAYLOAD_CODEC_KEYS: stored.PAYLOAD_CODEC_KEYS ?? `local:${randomBytes(32).toString('base64')}`,
    CODEC_AUTH_TOKEN: stored.CODEC_AUTH_TOKEN ?? randomBytes(24).toString('base64url'),
    OFFICER_COOKIE_SECRET: stored.OFFICER_COOKIE_SECRET ?? randomBytes(32).toString('base64url'),
  };
  if (JSON.stringify(stored) !== JSON.stringify(secrets)) writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
