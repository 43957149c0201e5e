/**
 * Boot of every process (api, worker, codec server, CLI): a bad configuration is an operator's mistake, not a
 * crash, so it ends as the list of problems on stderr and exit code 1, with no stack trace to hide them in.
 */
import { ConfigError, loadConfig, type Config, type Role } from '../config';

/** loadConfig, or the ConfigError's list on stderr and exit 1. Any other error is a bug and is thrown. */
export function loadConfigOrExit(role: Role, env: Record<string, string | undefined> = process.env): Readonly<Config> {
  try {
    return loadConfig(env, role);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
