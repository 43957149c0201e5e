/** loadConfig: defaults, and every problem listed at once. */
import { ConfigError, loadConfig } from '../../config';

const KEY = { PORTAL_API_KEY: 'k'.repeat(20), ATR_SIGNING_KEYS: `k1:${'s'.repeat(32)}`, PAYLOAD_CODEC_KEYS: `c1:${Buffer.alloc(32, 3).toString('base64')}` };

describe('loadConfig', () => {
  test('gives the documented defaults', () => {
    const config = loadConfig(KEY);
    expect(config).toMatchObject({
      temporal: { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'sampark-atr' },
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/sampark_atr',
      http: { host: '127.0.0.1', port: 3000 },
      portalEvents: { timeoutMs: 10_000 },
      defaultPolicy: {
        reminderOffsetsHours: [24, 72],
        feedbackWindowHours: 168,
        quietHours: { start: '21:00', end: '09:00' },
        lateFeedbackGraceHours: 168,
        detailsWaitMinutes: 30,
        deliveryDeadlineHours: 24,
      },
    });
    expect(config.temporal.tls).toBeUndefined();
    expect(config.workerMaxCachedWorkflows).toBe(500);
  });

  test("takes the worker's workflow cache size and refuses a fractional one, naming it", () => {
    expect(loadConfig({ ...KEY, WORKER_MAX_CACHED_WORKFLOWS: '2000' }).workerMaxCachedWorkflows).toBe(2000);
    expect(() => loadConfig({ ...KEY, WORKER_MAX_CACHED_WORKFLOWS: '2.5' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS: must be a whole number/);
  });

  test('returns a frozen object', () => {
    const config = loadConfig(KEY);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.defaultPolicy.reminderOffsetsHours)).toBe(true);
    expect(config.payloadKeys[0]!.key).toHaveLength(32);
  });

  test('requires encrypted payloads when asked, by default only in production, and names a bad value', () => {
    expect(loadConfig(KEY).payloadRequireEncryption).toBe(false);
    expect(loadConfig({ ...KEY, PAYLOAD_CODEC_REQUIRE_ENCRYPTION: 'true' }).payloadRequireEncryption).toBe(true);
    // The 'cli' role requires nothing else, so production mode's other demands do not get in the way here.
    expect(loadConfig({ SAMPARK_ENV: 'production', WHATSAPP_MODE: 'outbox' }, 'cli').payloadRequireEncryption).toBe(true);
    expect(loadConfig({ SAMPARK_ENV: 'production', WHATSAPP_MODE: 'outbox', PAYLOAD_CODEC_REQUIRE_ENCRYPTION: 'false' }, 'cli').payloadRequireEncryption).toBe(false);
    expect(() => loadConfig({ ...KEY, PAYLOAD_CODEC_REQUIRE_ENCRYPTION: 'yes' })).toThrow(/PAYLOAD_CODEC_REQUIRE_ENCRYPTION: must be 'true' or 'false'/);
  });

  test('refuses a payload key that is not 32 bytes, naming it', () => {
    expect(() => loadConfig({ ...KEY, PAYLOAD_CODEC_KEYS: 'c1:c2hvcnQ=' })).toThrow(/PAYLOAD_CODEC_KEYS: key c1 must be 32 bytes/);
  });

  test('lists every problem at once, naming each variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', QUIET_HOURS: '9pm-9am', REMINDER_OFFSETS_HOURS: '72,24', TEMPORAL_TLS_CERT_PATH: '/c.pem' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).problems.join('\n');
    for (const name of ['PORTAL_API_KEY', 'ATR_SIGNING_KEYS', 'PAYLOAD_CODEC_KEYS', 'PORT', 'DATABASE_URL', 'QUIET_HOURS', 'TEMPORAL_TLS_KEY_PATH']) expect(text).toContain(name);
  });

  test('requires of each process only what it uses', () => {
    expect(() => loadConfig({}, 'cli')).not.toThrow();
    const { PORTAL_API_KEY: _api, ...worker } = KEY;
    expect(() => loadConfig(worker, 'worker')).not.toThrow();
    expect(() => loadConfig(worker, 'api')).toThrow(/PORTAL_API_KEY: is required/);
    expect(() => loadConfig({ PORTAL_API_KEY: KEY.PORTAL_API_KEY }, 'worker')).toThrow(/ATR_SIGNING_KEYS: is required/);
    expect(() => loadConfig({ ...worker, PAYLOAD_CODEC_KEYS: undefined }, 'worker')).toThrow(/PAYLOAD_CODEC_KEYS: is required/);
  });

  test('checks the ATR signing keys', () => {
    expect(loadConfig({ ...KEY, ATR_SIGNING_KEYS: `k2:${'a'.repeat(32)},k1:${'b'.repeat(40)}` }).sealKeys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(() => loadConfig({ ...KEY, ATR_SIGNING_KEYS: 'k1:short' })).toThrow(/at least 32 characters/);
    expect(() => loadConfig({ ...KEY, ATR_SIGNING_KEYS: `k1:${'a'.repeat(32)},k1:${'b'.repeat(32)}` })).toThrow(/unique/);
  });

  test('rejects reminders in the wrong order or outside the window', () => {
    expect(() => loadConfig({ ...KEY, REMINDER_OFFSETS_HOURS: '72,24' })).toThrow(/REMINDER_OFFSETS_HOURS: must be in increasing order/);
    expect(() => loadConfig({ ...KEY, FEEDBACK_WINDOW_HOURS: '48', REMINDER_OFFSETS_HOURS: '24,72' })).toThrow(/inside FEEDBACK_WINDOW_HOURS/);
  });

  test('accepts QUIET_HOURS=off and REMINDER_OFFSETS_HOURS=none', () => {
    const config = loadConfig({ ...KEY, QUIET_HOURS: 'off', REMINDER_OFFSETS_HOURS: 'none' });
    expect(config.defaultPolicy.quietHours).toBeNull();
    expect(config.defaultPolicy.reminderOffsetsHours).toEqual([]);
  });

  test('turns TLS on for an API key (Temporal Cloud) and takes mTLS paths together', () => {
    expect(loadConfig({ ...KEY, TEMPORAL_API_KEY: 'abc' }).temporal.apiKey).toBe('abc');
    expect(loadConfig({ ...KEY, TEMPORAL_TLS_CERT_PATH: '/c.pem', TEMPORAL_TLS_KEY_PATH: '/k.pem' }).temporal.tls).toMatchObject({
      certPath: '/c.pem',
      keyPath: '/k.pem',
    });
  });
});
