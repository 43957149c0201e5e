/**
 * `npm run temporal -- <args>`: the project's own Temporal CLI (installed under .tools/, not on PATH), pointed
 * at the local codec server with the token `npm start` keeps in .data/local-secrets.json, so `workflow show`
 * prints decrypted payloads. A TEMPORAL_CODEC_ENDPOINT of your own (with TEMPORAL_CODEC_AUTH) is left as it is;
 * CODEC_AUTH_TOKEN, when set, is used instead of the kept token.
 */
import { spawnSync } from 'node:child_process';
import { existingLocalSecrets } from '../../lib/local-secrets';
import { requireTemporalCli } from '../install/temporal-binaries';

/** The environment for the CLI: the local codec server's endpoint and token unless the caller set their own. */
export function temporalCliEnv(env: NodeJS.ProcessEnv, secrets: { CODEC_AUTH_TOKEN?: string } | undefined): NodeJS.ProcessEnv {
  const token = env.CODEC_AUTH_TOKEN ?? secrets?.CODEC_AUTH_TOKEN;
  if (env.TEMPORAL_CODEC_ENDPOINT || !token) return env;
  return { ...env, TEMPORAL_CODEC_ENDPOINT: `http://127.0.0.1:${env.CODEC_SERVER_PORT ?? '8888'}`, TEMPORAL_CODEC_AUTH: `Bearer ${token}` };
}

if (require.main === module) {
  const cli = requireTemporalCli();
  const result = spawnSync(cli.path, process.argv.slice(2), { stdio: 'inherit', env: temporalCliEnv(process.env, existingLocalSecrets()) });
  process.exit(result.status ?? 1);
}
