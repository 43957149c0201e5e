/**
 * The SMS gateway of sms/protocol.ts: Indian mobile numbers only, a DLT-style sender header, idempotent
 * by `reference` (a repeat answers the first id and sends nothing).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SmsErrorResponse, SmsSendResponse } from '../../messaging/sms/protocol';
import type { FaultAction } from './faults';
import type { SimulatorState } from './state';

/** Request body as the route validates it (field rules beyond types are the gateway's, below). */
export const SmsBodySchema = z.strictObject({
  to: z.string(),
  sender: z.string(),
  text: z.string().min(1).max(2000),
  reference: z.string().min(1).max(128),
});

/** A gateway answer. */
export interface SmsReply {
  http: number;
  body: SmsSendResponse | SmsErrorResponse | { error: { code: 'unavailable' | 'rate_limited'; message: string } };
}

const INDIAN_MOBILE = /^\+91[6-9]\d{9}$/;
// TRAI DLT headers: 6 letters (transactional/service) or 6 digits (promotional).
const DLT_HEADER = /^(?:[A-Za-z]{6}|\d{6})$/;

/** Accepts an SMS (after authentication and any injected fault). */
export function acceptSms(state: SimulatorState, body: z.infer<typeof SmsBodySchema>, now: number, fault?: FaultAction): SmsReply {
  if (fault && (fault.code !== undefined || fault.http !== undefined)) return smsFault(fault);
  const previous = state.smsByReference.get(body.reference);
  if (previous) {
    state.counters.smsDuplicates += 1;
    return { http: 202, body: { id: previous.id, status: 'accepted' } };
  }
  if (!INDIAN_MOBILE.test(body.to)) return { http: 400, body: { error: { code: 'invalid_number', message: 'to must be an Indian mobile number in E.164 (+91 and 10 digits starting 6-9)' } } };
  if (!DLT_HEADER.test(body.sender)) return { http: 400, body: { error: { code: 'rejected', message: 'sender is not a registered DLT header (6 letters or 6 digits)' } } };
  const id = `sms-${randomBytes(9).toString('base64url')}`;
  state.addSms({ seq: state.nextSeq(), id, to: body.to, sender: body.sender, text: body.text, reference: body.reference, receivedAt: new Date(now).toISOString() });
  return { http: 202, body: { id, status: 'accepted' } };
}

function smsFault(fault: FaultAction): SmsReply {
  const message = fault.details ?? 'simulated fault';
  if (typeof fault.code === 'string') {
    const http = fault.code === 'unauthorized' ? 401 : 400;
    return { http: fault.http ?? http, body: { error: { code: fault.code, message } } };
  }
  if (fault.http === 429) return { http: 429, body: { error: { code: 'rate_limited', message } } };
  return { http: fault.http ?? 503, body: { error: { code: 'unavailable', message } } };
}
