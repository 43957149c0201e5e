/**
 * The portal event feed in the OpenAPI document's `webhooks`: what we POST to the portal's receiver, signed like
 * Meta's webhooks. The envelope is contracts/events.ts PortalEvent; the schema below is checked against it.
 */
import { z } from 'zod';
import { PORTAL_EVENT_ID_HEADER, PORTAL_EVENT_TYPES, PORTAL_SIGNATURE_HEADER, type PortalEvent } from '../contracts/events';

const PortalEventSchema = z
  .object({
    id: z.string().describe('Stable across retries and replays: drop an id already seen'),
    type: z.enum(PORTAL_EVENT_TYPES),
    specVersion: z.literal('1').describe('Version of this envelope; a breaking change gets a new version'),
    grievanceId: z.string(),
    cycle: z.number().int(),
    sequence: z.number().int().describe('Increases per grievance in the order the events happened'),
    occurredAt: z.string().describe('ISO 8601 date-time'),
    data: z.record(z.string(), z.unknown()).describe('Type-specific: ids, codes, levels, statuses and times; never personal data'),
  })
  .meta({
    examples: [
      {
        id: 'evt_01JD7ZQ3N4X5R6T7Y8U9I0O1P2',
        type: 'atr.delivered',
        specVersion: '1',
        grievanceId: '102938475612',
        cycle: 1,
        sequence: 2,
        occurredAt: '2026-11-27T11:12:05.000Z',
        data: { workflowId: 'atr-102938475612-c1', channel: 'whatsapp', messageId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgS', deliveredAt: '2026-11-27T11:12:04.000Z' },
      },
    ],
    // The envelope is checked against the contract; `data` is typed per event type there (PortalEventDataMap).
  }) satisfies z.ZodType<Omit<PortalEvent, 'data'> & { data: Record<string, unknown> }>;

const SIGNATURE = `\`sha256=<hex>\`: the HMAC-SHA256 of the raw request body under the shared portal secret, as Meta's
X-Hub-Signature-256. Compute it over the bytes received (before any JSON parsing) and compare in constant time.`;

/** The `webhooks` object: one entry, the event POST, with its headers and the answers we expect. */
export function portalEventWebhooks() {
  return {
    portalEvent: {
      post: {
        summary: 'An event about a grievance (delivered at least once, in order per grievance)',
        description: `Every change the portal cares about: ${PORTAL_EVENT_TYPES.join(', ')}. Answer any 2xx once stored; anything
else (or no answer within 10 s) is retried with backoff, so de-duplicate by \`id\`.`,
        parameters: [
          { name: PORTAL_SIGNATURE_HEADER, in: 'header', required: true, description: SIGNATURE, schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$' } },
          { name: PORTAL_EVENT_ID_HEADER, in: 'header', required: true, description: 'The event id (also in the body)', schema: { type: 'string' } },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(PortalEventSchema, { target: 'draft-2020-12' }) } } },
        responses: {
          '2XX': { description: 'Stored (or already seen): not sent again' },
          default: { description: 'Not stored: the event is sent again later, with backoff' },
        },
      },
    },
  };
}
