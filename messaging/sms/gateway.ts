/**
 * The SMS gateway client (sms/protocol.ts): a timeout on every call; a refusal thrown as a ChannelFault that
 * says whose fault it is (messaging/faults.ts: an invalid number is the citizen's, a refused token or sender
 * ours, 429/5xx transient). Timeouts and network errors stay plain errors, retried. `reference` makes a
 * retried send harmless.
 */
import type { SmsSender } from '../model';
import { smsFault } from '../faults';
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
      let error: Partial<SmsErrorResponse['error']> = {};
      try {
        error = (JSON.parse(answer) as SmsErrorResponse).error ?? {};
      } catch {
        // no envelope: the HTTP status decides
      }
      throw smsFault(typeof error.code === 'string' ? error.code : undefined, res.status, typeof error.message === 'string' ? error.message : undefined);
    },
  };
}
