/** Meta's webhook envelope around a `messages`-field value, and the time formats webhooks and records use. */
import type { WebhookPayload, WebhookValue } from '../../messaging/whatsapp/protocol';
import type { ResolvedOptions } from './options';

/** One entry, one change, field `messages`, with our business number's metadata. */
export function webhookEnvelope(o: Pick<ResolvedOptions, 'wabaId' | 'displayPhoneNumber' | 'phoneNumberId'>, value: Omit<WebhookValue, 'messaging_product' | 'metadata'>): WebhookPayload {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: o.wabaId,
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: o.displayPhoneNumber, phone_number_id: o.phoneNumberId }, ...value },
          },
        ],
      },
    ],
  };
}

/** Webhook timestamps are unix seconds as a string. */
export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

/** Record times for /_sim, readable by people. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
