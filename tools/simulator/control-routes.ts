/**
 * The /_sim controls for tests, chaos runs and people: what was sent (WhatsApp and SMS), the citizen's
 * actions, fault rules, chaos settings, undeliverable numbers, the webhook delivery log, Meta's subscription
 * handshake on demand, counters and reset. No authentication: a local tool.
 */
import { z } from 'zod';
import { FaultRulesBody } from './faults';
import type { RouteContext, SimApi } from './http';
import { numberKey } from './ids';
import { verifyWebhook } from './webhooks';

const ToQuery = z.object({ to: z.string().min(1) });

const CitizenActionSchema = z.strictObject({
  from: z.string().min(1),
  type: z.enum(['button', 'text', 'list_reply', 'button_reply', 'audio']),
  contextWamid: z.string().min(1).optional(),
  payload: z.string().optional(),
  text: z.string().max(4096).optional(),
  id: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  index: z.number().int().min(0).max(9).optional(),
  name: z.string().min(1).max(100).optional(),
});

const ChaosBody = z.strictObject({
  duplicateWebhooks: z.boolean().optional(),
  statusOrder: z.enum(['in-order', 'read-before-delivered', 'delivered-omitted']).optional(),
  /** Batch webhooks: collect for windowMs or up to maxItems messages and statuses, then one POST; false: off. */
  batchWebhooks: z.union([z.literal(false), z.strictObject({ windowMs: z.number().int().min(1).max(60_000), maxItems: z.number().int().min(1).max(1000) })]).optional(),
});

const UndeliverableBody = z.strictObject({ add: z.array(z.string()).optional(), remove: z.array(z.string()).optional() });

/** Registers the /_sim control routes. */
export function controlRoutes(api: SimApi, { o, state, cloud, webhooks, scheduler }: RouteContext): void {
  api.get('/_sim/healthz', { schema: {} }, async () => ({ status: 'ok' }));

  api.get('/_sim/messages', { schema: { querystring: ToQuery } }, async (req) => state.messagesFor(req.query.to));

  api.get('/_sim/sms', { schema: { querystring: ToQuery } }, async (req) =>
    state.smsFor(req.query.to).map((s) => ({ id: s.id, to: s.to, sender: s.sender, text: s.text, reference: s.reference, receivedAt: s.receivedAt })),
  );

  api.post('/_sim/inbound', { schema: { body: CitizenActionSchema } }, async (req) => {
    const record = cloud.citizen.inbound(req.body);
    return { wamid: record.wamid, message: record.message };
  });

  api.post('/_sim/read', { schema: { body: z.strictObject({ to: z.string().min(1) }) } }, async (req) => {
    cloud.statuses.openChat(req.body.to);
    return { ok: true };
  });

  api.get('/_sim/faults', { schema: {} }, async () => ({ rules: state.faults.rules() }));
  api.post('/_sim/faults', { schema: { body: FaultRulesBody } }, async (req) => {
    state.faults.set(req.body.rules);
    req.log.info({ rules: req.body.rules.length }, 'fault rules set');
    return { rules: state.faults.rules() };
  });
  api.delete('/_sim/faults', { schema: {} }, async () => {
    state.faults.clear();
    return { rules: [] };
  });

  api.get('/_sim/chaos', { schema: {} }, async () => state.chaos);
  api.post('/_sim/chaos', { schema: { body: ChaosBody } }, async (req) => {
    state.chaos = { ...state.chaos, ...req.body };
    return state.chaos;
  });

  api.post('/_sim/undeliverable', { schema: { body: UndeliverableBody } }, async (req) => {
    for (const n of req.body.add ?? []) state.undeliverable.add(numberKey(n, o.countryCode));
    for (const n of req.body.remove ?? []) state.undeliverable.delete(numberKey(n, o.countryCode));
    return { count: state.undeliverable.size };
  });

  // Phones switched off: messages are accepted and `sent`, never `delivered` until the phone is back on.
  api.post('/_sim/phones-off', { schema: { body: UndeliverableBody } }, async (req) => {
    for (const n of req.body.add ?? []) state.switchedOff.add(numberKey(n, o.countryCode));
    for (const n of req.body.remove ?? []) {
      state.switchedOff.delete(numberKey(n, o.countryCode));
      cloud.statuses.phoneBackOn(n);
    }
    return { count: state.switchedOff.size };
  });
  api.get('/_sim/webhooks', { schema: { querystring: z.object({ wamid: z.string().optional() }) } }, async (req) =>
    req.query.wamid ? webhooks.log.filter((d) => d.wamids.includes(req.query.wamid!)) : webhooks.log,
  );

  // Meta's subscription handshake, on demand: GET webhookUrl?hub.mode=subscribe&hub.verify_token&hub.challenge.
  api.post('/_sim/verify-webhook', { schema: { body: z.strictObject({ verifyToken: z.string().min(1) }) } }, async (req) => {
    if (!o.webhookUrl) return { ok: false, error: 'no webhookUrl configured' };
    return verifyWebhook(o.webhookUrl, req.body.verifyToken, o.webhookRetry.timeoutMs);
  });

  api.get('/_sim/stats', { schema: {} }, async () => ({ ...state.stats(), timersPending: scheduler.pending }));

  api.post('/_sim/reset', { schema: {} }, async (req) => {
    scheduler.cancel();
    webhooks.cancel();
    webhooks.clearLog();
    state.reset();
    req.log.info('simulator reset');
    return { ok: true };
  });
}
