/**
 * Connections for one command run, opened on first use and closed when it ends: `report` never dials
 * Temporal, `backfill --dry-run` dials nothing, and a command that fails still releases what it opened.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { AtrClient, type ClosureIntake } from '../client';
import { parseCodecKeys, type CodecKey } from '../config/codec-keys';
import { createDataConverter } from '../codec/data-converter';
import { loadConfig, type Config } from '../config';
import { createPool } from '../db/pool';
import { createClosureIntakeRepository } from '../db/repositories/closure-intake';
import { connectClient } from '../lib/temporal-connection';
import { existingLocalSecrets } from '../lib/local-secrets';
import { DATA_DIR } from '../lib/paths';
import { CliError } from './output';

/** Where `npm start` keeps this machine's secrets (lib/local-secrets.ts). */
const LOCAL_SECRETS_FILE = path.join(DATA_DIR, 'local-secrets.json');

/**
 * The keys the workers encrypt payloads with: PAYLOAD_CODEC_KEYS, else the local key `npm start` made on
 * this machine. Never a new one: a workflow started with a key no worker holds can never run, and the
 * grievance's workflow id could not be used again.
 */
export function resolvePayloadKeys(configured: readonly CodecKey[], localFile = LOCAL_SECRETS_FILE): CodecKey[] {
  if (configured.length) return [...configured];
  const spec = existingLocalSecrets(localFile)?.PAYLOAD_CODEC_KEYS;
  if (spec) return parseCodecKeys(spec);
  throw new CliError('PAYLOAD_CODEC_KEYS is not set: workflow payloads are encrypted, so set it to the keys the workers use (id:base64key[,...])');
}

/** Lazily opened connections of one command run. */
export interface CliContext {
  config: Readonly<Config>;
  temporal(): Promise<Client>;
  atr(): Promise<AtrClient>;
  pool(): Promise<Pool>;
  close(): Promise<void>;
}

/** Reads the configuration (role 'cli': nothing required) and prepares connections without opening any. */
export function openContext(env: Record<string, string | undefined> = process.env): CliContext {
  const config = loadConfig(env, 'cli');
  let keys: CodecKey[] | CliError;
  try {
    keys = resolvePayloadKeys(config.payloadKeys);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    keys = err;
  }
  let client: Promise<Client> | undefined;
  let pool: Promise<Pool> | undefined;

  const temporal = () =>
    // Without keys the client still lists (search attributes are never encrypted); atr() insists on them.
    (client ??= connectClient(config.temporal, Array.isArray(keys) ? createDataConverter(keys, { requireEncryption: config.payloadRequireEncryption }) : undefined).catch((err: unknown) => {
      throw new CliError(`cannot reach Temporal at ${config.temporal.address}: ${(err as Error).message}`);
    }));

  const database = () =>
    (pool ??= (async () => {
      const p = createPool(config.databaseUrl, { max: 4 });
      try {
        await p.query('SELECT 1');
        return p;
      } catch (err) {
        await p.end().catch(() => undefined);
        // Embedded PGlite has one session, held by `npm start` while it runs.
        const hint = existsSync(path.join(DATA_DIR, 'pglite'))
          ? ` (if \`npm start\` is running on embedded PGlite, it holds PGlite's only connection: stop it first, or run on a PostgreSQL server with DATABASE_URL)`
          : '';
        throw new CliError(`cannot reach PostgreSQL at ${redactUrl(config.databaseUrl)}: ${(err as Error).message}${hint}`);
      }
    })());

  return {
    config,
    temporal,
    atr: async () => {
      if (keys instanceof CliError) throw keys;
      // PostgreSQL is opened only when the intake is used: to start a closure (backfill), or to find a grievance's
      // latest closure (status, resend).
      const intake: ClosureIntake = {
        admit: async (entry) => createClosureIntakeRepository(await database()).admit(entry),
        markStarted: async (grievanceId, cycle) => createClosureIntakeRepository(await database()).markStarted(grievanceId, cycle),
        latestStarted: async (grievanceId) => createClosureIntakeRepository(await database()).latestStarted(grievanceId),
      };
      return new AtrClient(await temporal(), intake, config.temporal.taskQueue);
    },
    pool: database,
    async close() {
      const opened = await Promise.allSettled([client, pool]);
      const [c, p] = opened.map((r) => (r.status === 'fulfilled' ? r.value : undefined)) as [Client | undefined, Pool | undefined];
      await Promise.allSettled([c?.connection.close(), p?.end()]);
    },
  };
}

/** Runs `fn` with a fresh context and always closes it. */
export async function withContext<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const ctx = openContext();
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/** A database URL fit for an error message: the password never reaches a terminal or a CI log. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(DATABASE_URL)';
  }
}
