/**
 * Structured JSON logs (pino). Personal data must never be logged; the redact list is the safety net
 * for a field that slips through, not the plan.
 */
import pino, { type Logger } from 'pino';

/** Field paths whose values are replaced by [redacted] wherever they appear. */
export const REDACT_PATHS = [
  'citizen',
  '*.citizen',
  'phone',
  '*.phone',
  'to',
  '*.to',
  'recipient',
  '*.recipient',
  'comment',
  '*.comment',
  'closure',
  '*.closure',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-hub-signature-256"]',
];

/** Creates the process logger. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { app: 'sampark-atr', ...bindings }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}

export type { Logger };
