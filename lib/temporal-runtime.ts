/** Routes the Temporal SDK's own logs (worker, workflow `log`, core) into our pino logger. Call once per process. */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from './log';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Installs the Temporal runtime with our logger and, when `metricsAddress` is given, a Prometheus endpoint
 * (`http://<address>/metrics`) with the SDK's metrics and ours (worker/metrics.ts).
 */
export function installTemporalRuntime(log: Logger, metricsAddress?: string): void {
  const temporalLog = log.child({ component: 'temporal' });
  Runtime.install({
    logger: new DefaultLogger('INFO', ({ level, message, meta }) => temporalLog[LEVELS[level]](meta ?? {}, message)),
    shutdownSignals: [], // our entry points own SIGINT/SIGTERM and shut down in order
    ...(metricsAddress
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } } } }
      : {}),
  });
}
