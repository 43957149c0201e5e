/** The embedded fallback: PGlite over the wire protocol runs our migrations and store through `pg`. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClosureSchema } from '../../../contracts/closure';
import { atrWorkflowId } from '../../../contracts/workflow';
import { spawnEmbeddedPostgres } from '../../../tools/scripts/embedded-postgres';
import { migrate } from '../../../db/migrate';
import { createPool } from '../../../db/pool';
import { createClosureRepository } from '../../../db/repositories/closures';
import { storeWebhook } from '../../../messaging/whatsapp/inbox';
import { freePort } from '../../setup/global-setup';
import { makeClosure } from '../../helpers/fixtures';

test('runs the migrations, the store and the webhook inbox on embedded PGlite through pg', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sampark-pglite-'));
  // Its own process, as npm start runs it (PGlite loads WebAssembly with dynamic import, which Jest's VM lacks).
  const pg = await spawnEmbeddedPostgres({ dataDir: dir, port: await freePort() });
  const pool = createPool(pg.url, { max: 1 });
  try {
    expect(await migrate(pool)).toEqual(['0001_initial', '0002_atr_seal', '0003_whatsapp', '0004_ambiguous_sends', '0005_channel_breakers', '0006_closure_intake', '0007_retention', '0008_atr_link_nonces', '0009_idempotency_keys', '0010_portal_events', '0011_citizen_words', '0012_escalation_ladder', '0013_officer_accounts', '0014_transparency', '0015_vigilance_and_reasons']);
    const store = createClosureRepository(pool);
    const closure = ClosureSchema.parse(makeClosure());
    const workflowId = atrWorkflowId(closure.grievanceId, 1);
    await store.recordClosure(workflowId, closure);
    expect((await store.getClosure(workflowId))?.citizen.name).toBe('राम कुमार शर्मा');
    const raw = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: '1' }, statuses: [{ id: 'wamid.E1', status: 'sent', timestamp: '1795880000', recipient_id: '91' }] } }] }] }));
    expect(await storeWebhook(pool, raw)).toMatchObject({ statuses: 1, duplicates: 0 });
    expect(await storeWebhook(pool, raw)).toMatchObject({ statuses: 1, duplicates: 1 });
  } finally {
    await pool.end();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
