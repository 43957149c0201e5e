/**
 * Meta batches webhooks under load: several citizens' statuses and messages, across entries and changes,
 * in one signed POST. Through the simulator (batching on), our webhook and inbox store every item of such
 * a delivery and the relay signals each workflow it belongs to, on the dev server.
 */
import { SA } from '../../../contracts/workflow';
import type { SimMessageView } from '../../../tools/simulator/server';
import { TEMPLATES } from '../../../messaging/whatsapp/protocol';
import { testPool } from '../../helpers/db';
import { makeClosure } from '../../helpers/fixtures';
import { useDevServer } from '../../helpers/temporal';
import { eventually, uniqueMobile, withWhatsApp } from '../../helpers/whatsapp';

const dev = useDevServer();

type Sent = SimMessageView & { request: { template?: { name: string } } };

test('stores every item of a batched webhook delivery and the relay signals each citizen’s workflow', async () => {
  await withWhatsApp(
    dev,
    async ({ atr, client, simCall, sim }) => {
      const phones = [uniqueMobile(), uniqueMobile(), uniqueMobile()];
      const handles = [];
      for (const phone of phones) {
        const { workflowId } = await atr.closeGrievance(makeClosure({ feedbackPolicy: { quietHours: null }, citizen: { name: 'Asha Verma', phone, language: 'en' } }));
        handles.push(client.workflow.getHandle(workflowId));
      }
      const atrs = await Promise.all(
        phones.map((phone) =>
          eventually(async () => (await simCall<Sent[]>('GET', `/_sim/messages?to=${encodeURIComponent(phone)}`)).find((m) => m.request.template?.name === TEMPLATES.atrDisposed.name)),
        ),
      );
      // Their sent and delivered statuses came batched; each workflow still sees its own.
      for (const handle of handles) await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(SA.deliveryStatus) === 'DELIVERED' ? true : undefined));

      // The three citizens tap "satisfied" at once: their messages reach us in one POST.
      const taps: string[] = [];
      for (const [i, phone] of phones.entries()) {
        taps.push((await simCall<{ wamid: string }>('POST', '/_sim/inbound', { from: phone, type: 'button', contextWamid: atrs[i]!.wamid, index: 0 })).wamid);
      }
      for (const handle of handles) await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(SA.outcome) === 'SATISFIED' ? true : undefined));

      const batch = sim.state.deliveries.find((d) => taps.every((w) => d.wamids.includes(w)));
      expect(batch).toMatchObject({ state: 'delivered' });
      expect(batch!.items).toBeGreaterThanOrEqual(3);
      const { rows } = await testPool().query('SELECT wamid, event_id FROM inbound_messages WHERE wamid = ANY($1)', [taps]);
      expect(rows.map((r) => r.wamid).sort()).toEqual([...taps].sort());
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(1);
      for (const handle of handles) await handle.terminate('test done');
    },
    // A wide window: on a busy machine the three taps must still fall into one batch.
    { chaos: { batchWebhooks: { windowMs: 500, maxItems: 50 } } },
  );
});
