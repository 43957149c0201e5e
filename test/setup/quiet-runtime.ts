/**
 * Per test file: the Temporal runtime logs only errors, so CI output shows test results, not worker chatter
 * (expected retries and "task not found" after a test finishes).
 */
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';

Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), console: {} } },
});
