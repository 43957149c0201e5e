/** `npm run temporal`: the project's Temporal CLI, not on PATH, with the local codec server's token when one is kept. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../lib/paths';
import { temporalCliEnv } from '../../../tools/scripts/temporal';

test('points the CLI at the local codec server with the token npm start keeps', () => {
  expect(temporalCliEnv({}, { CODEC_AUTH_TOKEN: 'kept-token' })).toMatchObject({
    TEMPORAL_CODEC_ENDPOINT: 'http://127.0.0.1:8888',
    TEMPORAL_CODEC_AUTH: 'Bearer kept-token',
  });
  expect(temporalCliEnv({ CODEC_SERVER_PORT: '9999', CODEC_AUTH_TOKEN: 'deployed' }, { CODEC_AUTH_TOKEN: 'kept-token' })).toMatchObject({
    TEMPORAL_CODEC_ENDPOINT: 'http://127.0.0.1:9999',
    TEMPORAL_CODEC_AUTH: 'Bearer deployed',
  });
});

test('leaves a codec endpoint the caller chose, and sets none without a token', () => {
  expect(temporalCliEnv({ TEMPORAL_CODEC_ENDPOINT: 'https://codec.example' }, { CODEC_AUTH_TOKEN: 'kept-token' })).toEqual({ TEMPORAL_CODEC_ENDPOINT: 'https://codec.example' });
  expect(temporalCliEnv({}, undefined)).toEqual({});
});

test('runs the installed Temporal CLI against a server', () => {
  const out = execFileSync(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'tools', 'scripts', 'temporal.js'), 'workflow', 'list', '--address', process.env.TEST_TEMPORAL_ADDRESS!, '--limit', '1', '-o', 'json'], {
    encoding: 'utf8',
    env: { ...process.env, TEMPORAL_CODEC_ENDPOINT: '' },
  });
  expect(() => JSON.parse(out || '[]')).not.toThrow();
});
