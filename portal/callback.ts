/**
 * Tells the Sampark portal to reopen a grievance after "not satisfied" (PORTAL_CALLBACK_URL).
 * 5xx, 408, 429 and network errors are thrown as ordinary errors (the activity retries them until the
 * portal answers); other 4xx are PermanentErrors, because the same request will be refused again.
 */
import { FAILURES, type EscalationLevel, type PortalCallbackResult } from '../contracts/workflow';
import { PermanentError } from '../lib/errors';

/** Options for the portal callback. */
export interface PortalCallbackOptions {
  url?: string;
  token?: string;
  timeoutMs: number;
}

/** Tells the portal to reopen a grievance the citizen was not satisfied with. */
export interface PortalNotifier {
  reopen(req: {
    escalationId: string;
    grievanceId: string;
    cycle: number;
    level: EscalationLevel;
    reason?: string;
    comment?: string;
  }): Promise<{ status: Extract<PortalCallbackResult, 'DONE' | 'NOT_CONFIGURED'> }>;
}

/** Creates the PortalNotifier; without a URL it reports NOT_CONFIGURED and sends nothing. */
export function createPortalNotifier({ url, token, timeoutMs }: PortalCallbackOptions): PortalNotifier {
  return {
    async reopen(req) {
      if (!url) return { status: 'NOT_CONFIGURED' };
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // Lets the portal drop a retried callback it has already applied.
          'idempotency-key': req.escalationId,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ event: 'grievance.reopen', ...req }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      if (res.ok) return { status: 'DONE' };
      if (res.status >= 500 || res.status === 408 || res.status === 429) {
        throw new Error(`portal callback answered ${res.status}; will retry`);
      }
      throw new PermanentError(FAILURES.portalRejected, `portal callback refused with HTTP ${res.status}`, { status: res.status });
    },
  };
}
