/** The API with the transparency routes on a seeded, refreshed database of the file's own, over real HTTP. */
import { Client, Connection } from '@temporalio/client';
import { buildApi } from '../../api/server';
import type { TransparencyOptions } from '../../api/transparency';
import { refreshTransparency } from '../../activities/transparency';
import { AtrClient } from '../../client';
import { createTransparencyRepository } from '../../db/repositories/transparency';
import { createLogger } from '../../lib/log';
import { createTransparencyDeps } from '../../worker/transparency';
import { closeTestPool, testIdempotency, testIntake, testPool, useOwnDatabase } from './db';
import { FIXTURE, seed } from './transparency';

/** Seeds the hand-computed fixture, refreshes the rollup and serves the API for the file; read `.base` in tests. */
export function useTransparencyApi(options: Omit<TransparencyOptions, 'rollup'> = {}): { readonly base: string } {
  useOwnDatabase();
  const holder = {} as { base: string; close(): Promise<void>; connection: Connection };
  beforeAll(async () => {
    holder.connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
    await seed(FIXTURE);
    await refreshTransparency(createTransparencyDeps(testPool(), { info: () => undefined, warn: () => undefined, error: () => undefined }));
    const app = await buildApi({
      atr: new AtrClient(new Client({ connection: holder.connection }), testIntake()),
      apiKey: 'transparency-test-key-0123456789',
      idempotency: testIdempotency(),
      logger: createLogger('silent'),
      health: {},
      transparency: { rollup: createTransparencyRepository(testPool()), ...options },
    });
    holder.base = await app.listen({ host: '127.0.0.1', port: 0 });
    holder.close = () => app.close();
  });
  afterAll(async () => {
    await holder.close?.();
    await holder.connection?.close();
    await closeTestPool();
  });
  return holder;
}
