/**
 * The SMS gateway client (sms/protocol.ts): a timeout on every call, 4xx as permanent failures with the
 * gateway's reason, 429/5xx/network errors as retryable. `reference` makes a retried send harmless.
 */
import type { SmsSender } from '../model';
import { FAILURES } from '../../contracts/workflow';
import { PermanentError } from '../../lib/errors';
import type { SmsErrorResponse, SmsSendRequest, SmsSendResponse } from './protocol';

/** Where the gateway is. */
export interface SmsGatewayOptions {
  url: string;
  token: string;
  sender: string;
  timeoutMs: number;
}

/** Creates the SMS sender. */
export function createSmsGateway({ url, token, sender, timeoutMs }: SmsGatewayOptions): SmsSender {
  return {
    async send({ reference, to, text }) {
      const body: SmsSendRequest = { to, sender, text, reference };
      const res = await fetch(`${url.replace(/\/$/, '')}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const answer = await res.text();
      if (res.ok) return { messageId: (JSON.parse(answer) as SmsSendResponse).id };
      if (res.status === 429 || res.status >= 500) throw new Error(`SMS gateway answered ${res.status}; will retry`);
      let reason = `HTTP ${res.status}`;
      try {
        const { error } = JSON.parse(answer) as SmsErrorResponse;
        reason = `${error.code}: ${error.message}`;
      } catch {
        // keep the status line
      }
      throw new PermanentError(FAILURES.undeliverable, `SMS gateway refused the message (${reason})`, { status: res.status });
    },
  };
}
