/**
 * Failures are encrypted like payloads: after a real activity failure on the dev server, the history holds
 * neither the failure's message nor its stack trace in clear (third-party error text included), and our data
 * converter reads both back.
 */
import { Client, Connection } from '@temporalio/client';
import type { ProtoFailure } from '@temporalio/common';
import { decodeOptionalFailureToOptionalError, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { SA } from '../../contracts/workflow';
import { makeClosure } from '../helpers/fixtures';
import { TEST_DATA_CONVERTER, useDevServer } from '../helpers/temporal';
import { eventually, uniqueMobile, withWhatsApp } from '../helpers/whatsapp';

const dev = useDevServer();

test("stores an activity's failure message and stack trace encrypted in the history", async () => {
  const raw = new Client({ connection: await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! }) }); // no codec: what the server stores
  try {
    await withWhatsApp(dev, async ({ atr, client, simCall }) => {
      const phone = uniqueMobile();
      // Meta's own words, as a third party would word them, naming the number it refused.
      const metaText = `Recipient ${phone.slice(3)} is not a WhatsApp user (graph says hello)`;
      await simCall('POST', '/_sim/faults', { rules: [{ endpoint: 'messages', to: phone, code: 131026, count: 1, details: metaText }] });
      const { workflowId } = await atr.closeGrievance(makeClosure({ feedbackPolicy: { quietHours: null }, citizen: { name: 'Failure Case', phone, language: 'en' } }));
      const handle = client.workflow.getHandle(workflowId);
      // The WhatsApp send failed for good (the SMS fallback takes over): the failure is in the history by now.
      await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(SA.deliveryStatus) === 'SMS_FALLBACK' ? true : undefined));

      const history = await raw.workflow.getHandle(workflowId).fetchHistory();
      const failed = (history.events ?? []).map((e) => e.activityTaskFailedEventAttributes?.failure).filter((f): f is ProtoFailure => Boolean(f));
      expect(failed.length).toBeGreaterThan(0);
      const stored = failed[0]!;
      expect(stored.message).toBe('Encoded failure');
      expect(stored.stackTrace ?? '').toBe('');
      expect(stored.encodedAttributes?.metadata?.encoding && Buffer.from(stored.encodedAttributes.metadata.encoding).toString()).toBe('binary/encrypted');
      const everything = JSON.stringify(history, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
      expect(everything).not.toContain('graph says hello');
      expect(everything).not.toContain(phone.slice(3));

      // The same failure through our data converter: the text was there all along, encrypted.
      const error = await decodeOptionalFailureToOptionalError(loadDataConverter(TEST_DATA_CONVERTER), stored);
      expect(error?.message).toContain('graph says hello');
      expect(error?.stack).toMatch(/at /);
      await handle.terminate('test done');
    });
  } finally {
    await raw.connection.close();
  }
});
