/** The reports rank channel statuses by the contracts' DELIVERY_RANK, evaluated by PostgreSQL itself. */
import { DELIVERY_RANK } from '../../contracts/workflow';
import { statusRankSql } from '../../db/reports';
import { closeTestPool, testPool } from '../helpers/db';

afterAll(closeTestPool);

test("ranks Meta's statuses as DELIVERY_RANK ranks our delivery statuses, 'played' as read and the unknown as pending", async () => {
  const { rows } = await testPool().query<{ status: string; rank: number }>(
    `SELECT s.status, ${statusRankSql('s.status')} AS rank FROM (VALUES ('sent'), ('DELIVERED'), ('read'), ('played'), ('failed'), ('deleted')) AS s(status)`,
  );
  expect(Object.fromEntries(rows.map((r) => [r.status, r.rank]))).toEqual({
    sent: DELIVERY_RANK.SENT,
    DELIVERED: DELIVERY_RANK.DELIVERED,
    read: DELIVERY_RANK.READ,
    played: DELIVERY_RANK.READ,
    failed: DELIVERY_RANK.FAILED,
    deleted: DELIVERY_RANK.PENDING,
  });
});
