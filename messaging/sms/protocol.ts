/**
 * The SMS gateway protocol: a generic HTTP gateway, as Indian bulk-SMS providers offer (DLT-registered
 * sender and template). Our client speaks it; the simulator implements it; a real provider is reached by
 * configuration (SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN) or a thin adapter.
 *
 *   POST {base}/v1/messages   Authorization: Bearer <token>
 *   { "to": "+919876543210", "sender": "RJSMPK", "text": "...", "reference": "<idempotency key>" }
 *   202 { "id": "sms-…", "status": "accepted" }
 *   4xx { "error": { "code": "invalid_number" | "unauthorized" | "rejected" | "bad_request", "message": "…" } }
 *   429 { "error": { "code": "rate_limited", … } }, 5xx { "error": { "code": "unavailable", … } }   (retry)
 * Whose fault each code is: messaging/faults.ts.
 *
 * A repeated `reference` returns the first message's id and sends nothing (idempotent).
 */

/** Request body. */
export interface SmsSendRequest {
  to: string;
  sender: string;
  text: string;
  reference: string;
}

/** 202 answer. */
export interface SmsSendResponse {
  id: string;
  status: 'accepted';
}

/** A refusal (4xx), or 429/5xx with the codes the gateway uses for them. */
export interface SmsErrorResponse {
  error: { code: 'invalid_number' | 'unauthorized' | 'rejected' | 'bad_request' | 'rate_limited' | 'unavailable'; message: string };
}
