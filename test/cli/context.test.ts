/** Which payload keys the CLI uses: the workers' keys from the environment, else `npm start`'s local key, never a new one. */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolvePayloadKeys } from '../../cli/context';
import { CliError } from '../../cli/output';
import { parseCodecKeys } from '../../config/codec-keys';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('CLI payload keys', () => {
  test('uses PAYLOAD_CODEC_KEYS when set', () => {
    const configured = parseCodecKeys(`prod2:${KEY}`);
    expect(resolvePayloadKeys(configured, '/nonexistent/local-secrets.json')).toEqual(configured);
  });

  test("falls back to the local key npm start made on this machine", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sampark-secrets-')), 'local-secrets.json');
    writeFileSync(file, JSON.stringify({ PAYLOAD_CODEC_KEYS: `local:${KEY}` }));
    expect(resolvePayloadKeys([], file)).toEqual([{ id: 'local', key: Buffer.alloc(32, 7) }]);
  });

  test('never makes up a key: without one it refuses, so no workflow starts that workers cannot read', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sampark-secrets-')), 'local-secrets.json');
    expect(() => resolvePayloadKeys([], file)).toThrow(CliError);
    expect(() => resolvePayloadKeys([], file)).toThrow(/PAYLOAD_CODEC_KEYS is not set/);
    expect(existsSync(file)).toBe(false);
  });
});
