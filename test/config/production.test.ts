/**
 * SAMPARK_ENV=production refuses every laptop convenience, naming each variable: the `.env.example`
 * placeholders, the simulator and its well-known credentials, and defaults that point at 127.0.0.1. A real
 * process with such an environment exits 1 with the list on stderr and no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, CONFIG_VARIABLES, loadConfig, type Role } from '../../config';
import { PROJECT_ROOT } from '../../lib/paths';

/** `.env.example` as `docker compose` reads it: KEY=VALUE lines, comments and blanks skipped. */
const EXAMPLE: Record<string, string> = Object.fromEntries(
  readFileSync(path.join(PROJECT_ROOT, '.env.example'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

/** A deployment's environment with every value real. */
const REAL = {
  SAMPARK_ENV: 'production',
  PORTAL_API_KEY: 'Zq4v9s1Kp0bXw2Lr7TtYc8Nm',
  ATR_SIGNING_KEYS: `k1:${'Qw7eR2tY9uI4oP1aS6dF3gH8jK5lZ0xC'}`,
  PAYLOAD_CODEC_KEYS: `c1:${Buffer.alloc(32, 9).toString('base64')}`,
  CODEC_AUTH_TOKEN: 'Vb3nM6qW9eR2tY5u',
  DATABASE_URL: 'postgres://sampark:Xk29fj3lq@postgres:5432/sampark_atr',
  TEMPORAL_ADDRESS: 'temporal:7233',
  PUBLIC_BASE_URL: 'https://atr.sampark.rajasthan.gov.in',
  WHATSAPP_MODE: 'cloud',
  WHATSAPP_PHONE_NUMBER_ID: '209876543210987',
  WHATSAPP_ACCESS_TOKEN: 'EAAGm0PX4ZCpsBAreal',
  WHATSAPP_APP_SECRET: 'f3a9c1e07b2d4e5f8a6b9c0d1e2f3a4b',
  WHATSAPP_VERIFY_TOKEN: 'Hj8kL2mN5pQ9rS3t',
  SMS_MODE: 'off',
  OFFICER_COOKIE_SECRET: 'p4Lr8sVt2wXy6zAb0cDe3fGh7iJk1lMn',
};

function problems(env: Record<string, string>, role: Role = 'api'): string[] {
  try {
    loadConfig(env, role);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}

test('marks every value in .env.example as a change-me placeholder', () => {
  const values = Object.entries(EXAMPLE).filter(([name]) => !['WHATSAPP_MODE', 'SMS_MODE'].includes(name));
  expect(values.length).toBeGreaterThan(10);
  for (const [name, value] of values) expect({ name, value }).toEqual({ name, value: expect.stringMatching(/change-me/) });
});

test('refuses the example env, naming each placeholder it holds', () => {
  const found = problems({ ...EXAMPLE, SAMPARK_ENV: 'production' });
  const ours = Object.keys(EXAMPLE).filter((name) => CONFIG_VARIABLES.includes(name) && /change-me/.test(EXAMPLE[name]!));
  expect(ours).toEqual(expect.arrayContaining(['PORTAL_API_KEY', 'ATR_SIGNING_KEYS', 'PAYLOAD_CODEC_KEYS', 'CODEC_AUTH_TOKEN', 'PUBLIC_BASE_URL', 'WHATSAPP_APP_SECRET']));
  for (const name of ours) expect(found).toContainEqual(`${name}: is a placeholder from .env.example; generate a real value`);
});

test('accepts a real production environment, and then keeps no local fallback', () => {
  expect(problems(REAL)).toEqual([]);
  const config = loadConfig({ ...REAL, WHATSAPP_MODE: 'outbox', SMS_MODE: '', WHATSAPP_ACCESS_TOKEN: '' }, 'api');
  expect(config.environment).toBe('production');
  expect(config.whatsapp.accessToken).toBe('');
  expect(config.whatsapp.appSecret).toBe(REAL.WHATSAPP_APP_SECRET);
  // The same environment on a laptop would fall back to the simulator's public credentials.
  expect(loadConfig({ ...REAL, SAMPARK_ENV: 'development', WHATSAPP_MODE: 'outbox', WHATSAPP_ACCESS_TOKEN: '' }).whatsapp.accessToken).toBe('local-sim-access-token');
});

test("refuses the simulator's well-known credentials and the local portal key, naming each", () => {
  const found = problems({
    ...REAL,
    PORTAL_API_KEY: 'local-dev-portal-key',
    WHATSAPP_APP_SECRET: 'local-sim-app-secret',
    WHATSAPP_ACCESS_TOKEN: 'local-sim-access-token',
    WHATSAPP_VERIFY_TOKEN: 'local-sim-verify-token',
    WHATSAPP_PHONE_NUMBER_ID: '100000000000001',
  });
  for (const name of ['PORTAL_API_KEY', 'WHATSAPP_APP_SECRET', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID']) {
    expect(found).toContainEqual(`${name}: is a well-known local value (the simulator's or npm start's); set a real one`);
  }
});

test('refuses WHATSAPP_MODE unset or simulator, and SMS_MODE=simulator', () => {
  const { WHATSAPP_MODE: _mode, ...unset } = REAL;
  expect(problems(unset)).toEqual([expect.stringMatching(/^WHATSAPP_MODE: is required in production/)]);
  expect(problems({ ...REAL, WHATSAPP_MODE: 'simulator', SMS_MODE: 'simulator' })).toEqual([
    expect.stringMatching(/^WHATSAPP_MODE: must not be 'simulator'/),
    expect.stringMatching(/^SMS_MODE: must not be 'simulator'/),
  ]);
});

test("requires what has a laptop default: the database, Temporal, the public URL over https, the webhook secrets and the inbox's cookie secret", () => {
  const found = problems({ SAMPARK_ENV: 'production', WHATSAPP_MODE: 'outbox', PORTAL_API_KEY: REAL.PORTAL_API_KEY, ATR_SIGNING_KEYS: REAL.ATR_SIGNING_KEYS, PAYLOAD_CODEC_KEYS: REAL.PAYLOAD_CODEC_KEYS });
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'PUBLIC_BASE_URL', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'OFFICER_COOKIE_SECRET']) expect(found.join('\n')).toContain(`${name}: is required in production`);
  expect(problems({ ...REAL, PUBLIC_BASE_URL: 'http://atr.example.gov.in' })).toEqual(['PUBLIC_BASE_URL: must be an https:// URL in production']);
  // The worker has no webhook: it needs no webhook secrets.
  const { WHATSAPP_APP_SECRET: _s, WHATSAPP_VERIFY_TOKEN: _t, ...worker } = REAL;
  expect(problems({ ...worker, WHATSAPP_MODE: 'outbox' }, 'worker')).toEqual([]);
});

test('a real API process with the example env exits 1, listing each problem on stderr without a stack trace', () => {
  const env = { PATH: process.env.PATH!, ...EXAMPLE, SAMPARK_ENV: 'production' };
  const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist/api/main.js')], { env, encoding: 'utf8', timeout: 30_000 });
  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^invalid configuration:\n/);
  for (const name of ['PORTAL_API_KEY', 'ATR_SIGNING_KEYS', 'PAYLOAD_CODEC_KEYS', 'CODEC_AUTH_TOKEN', 'PUBLIC_BASE_URL', 'WHATSAPP_APP_SECRET', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_VERIFY_TOKEN', 'DATABASE_URL', 'TEMPORAL_ADDRESS']) {
    expect(run.stderr).toContain(`  - ${name}: `);
  }
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack frame
});
