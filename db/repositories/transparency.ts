/**
 * The transparency dashboard's rollup on PostgreSQL: daily figures per IST day of disposal, department and
 * district (transparency_daily), the public names of places (transparency_names) and the refresh's watermark
 * (transparency_refresh). The only module that names those tables. The refresh replaces whole days, so running it
 * twice over the same days writes the same rows; the page sums days, never scans closures.
 */
import type { Pool } from 'pg';
import { inTransaction } from '../pool';

/**
 * Lower edges, in minutes, of the disposal-to-phone time buckets (the last is open-ended: 7 days and more).
 * Fixed, so buckets add up over any days and places: a median from them is exact to its bucket (see
 * medianMinutes), finer where most ATRs land (minutes to a day: quiet hours hold a night's closures till 09:00).
 */
export const LATENCY_BUCKET_EDGES_MINUTES = [0, 5, 15, 30, 60, 120, 240, 480, 720, 1080, 1440, 2160, 2880, 4320, 7200, 10080] as const;

/** The counts the rollup keeps for one group of closures (a day and place, or any sum of them). */
export interface Counts {
  /** Closures disposed of. */
  disposed: number;
  /** ... whose ATR WhatsApp reported delivered (or read) on the citizen's phone. */
  delivered: number;
  /** ... with the citizen's decisive feedback (the first within the window). */
  feedback: number;
  satisfied: number;
  notSatisfied: number;
  escalatedL1: number;
  escalatedL2: number;
  escalatedL3: number;
  /** Null until the escalation ladder's columns exist. */
  resolvedWithinSla: number | null;
  breached: number | null;
  /** Delivered ATRs per disposal-to-phone bucket (LATENCY_BUCKET_EDGES_MINUTES). */
  latency: number[];
}

/** One rollup row: a day's counts for a department in a district. */
export interface DailyFigures extends Counts {
  /** IST day of disposal, YYYY-MM-DD. */
  day: string;
  departmentCode: string;
  districtCode: string;
}

/** A department's or district's public name. */
export interface PlaceName {
  kind: 'department' | 'district';
  code: string;
  nameEn: string;
  nameHi: string;
}

/** A period's sums: per department and district (both set), department (district null), district, and the whole state. */
export interface GroupCounts extends Counts {
  departmentCode: string | null;
  districtCode: string | null;
}

/** A period's state-wide sums for one day. */
export interface DayCounts extends Counts {
  day: string;
}

const N = LATENCY_BUCKET_EDGES_MINUTES.length;
const LATENCY_COLUMNS = Array.from({ length: N }, (_, i) => `latency_${String(i).padStart(2, '0')}`);
const COUNT_COLUMNS = {
  disposed: 'disposed',
  delivered: 'delivered',
  feedback: 'feedback_received',
  satisfied: 'satisfied',
  notSatisfied: 'not_satisfied',
  escalatedL1: 'escalated_l1',
  escalatedL2: 'escalated_l2',
  escalatedL3: 'escalated_l3',
  resolvedWithinSla: 'resolved_within_sla',
  breached: 'breached',
} as const;
/** Sums of every count and bucket; a ladder figure stays NULL when all its rows are NULL. */
const SUMS = [
  ...Object.entries(COUNT_COLUMNS).map(([key, col]) => `sum(${col})::int AS "${key}"`),
  `ARRAY[${LATENCY_COLUMNS.map((c) => `sum(${c})::int`).join(', ')}] AS latency`,
].join(', ');

/** Creates the transparency repository on a pool. */
export function createTransparencyRepository(pool: Pool) {
  return {
    /** Replaces these days' rows with `rows` (every row's day must be one of them), and upserts names, in one transaction. */
    async replaceDays(days: readonly string[], rows: readonly DailyFigures[], names: readonly PlaceName[]): Promise<void> {
      await inTransaction(pool, async (client) => {
        await client.query('DELETE FROM transparency_daily WHERE day = ANY($1::date[])', [days]);
        await client.query(
          `INSERT INTO transparency_daily (day, department_code, district_code, ${Object.values(COUNT_COLUMNS).join(', ')}, ${LATENCY_COLUMNS.join(', ')})
           SELECT r.day, r."departmentCode", r."districtCode", ${Object.keys(COUNT_COLUMNS).map((k) => `r."${k}"`).join(', ')},
                  ${LATENCY_COLUMNS.map((_, i) => `r.latency[${i + 1}]`).join(', ')}
             FROM jsonb_to_recordset($1::jsonb) AS r(day date, "departmentCode" text, "districtCode" text,
                  ${Object.keys(COUNT_COLUMNS).map((k) => `"${k}" int`).join(', ')}, latency int[])`,
          [JSON.stringify(rows)],
        );
        await client.query(
          `INSERT INTO transparency_names (kind, code, name_en, name_hi)
           SELECT kind, code, "nameEn", "nameHi" FROM jsonb_to_recordset($1::jsonb) AS n(kind text, code text, "nameEn" text, "nameHi" text)
           ON CONFLICT (kind, code) DO UPDATE SET name_en = EXCLUDED.name_en, name_hi = EXCLUDED.name_hi`,
          [JSON.stringify(names)],
        );
      });
    },

    /** The watermark: closures changed after it are not in the rollup yet; null before the first refresh. */
    async watermark(): Promise<{ watermark: Date; refreshedAt: Date } | null> {
      const { rows } = await pool.query<{ watermark: Date; refreshed_at: Date }>('SELECT watermark, refreshed_at FROM transparency_refresh');
      return rows[0] ? { watermark: rows[0].watermark, refreshedAt: rows[0].refreshed_at } : null;
    },

    async saveWatermark(watermark: Date): Promise<void> {
      await pool.query(
        `INSERT INTO transparency_refresh (id, watermark, refreshed_at) VALUES (true, $1, now())
         ON CONFLICT (id) DO UPDATE SET watermark = EXCLUDED.watermark, refreshed_at = EXCLUDED.refreshed_at`,
        [watermark],
      );
    },

    /** The sums over IST days from..to (inclusive) per department and district, department, district, and overall. */
    async groupCounts(from: string, to: string): Promise<GroupCounts[]> {
      const { rows } = await pool.query<GroupCounts>(
        `SELECT department_code AS "departmentCode", district_code AS "districtCode", ${SUMS}
           FROM transparency_daily WHERE day BETWEEN $1 AND $2
          GROUP BY GROUPING SETS ((department_code, district_code), (department_code), (district_code), ())`,
        [from, to],
      );
      return rows;
    },

    /** The state-wide sums per IST day from..to (days without closures are absent). */
    async dayCounts(from: string, to: string): Promise<DayCounts[]> {
      const { rows } = await pool.query<DayCounts>(
        `SELECT day::text AS day, ${SUMS} FROM transparency_daily WHERE day BETWEEN $1 AND $2 GROUP BY day ORDER BY day`,
        [from, to],
      );
      return rows;
    },

    /** The rollup's size on disk (tables and indexes) and its rows: what the benchmark reports. */
    async footprint(): Promise<{ bytes: number; rows: number }> {
      const { rows } = await pool.query<{ bytes: string; rows: string }>(
        `SELECT pg_total_relation_size('transparency_daily') + pg_total_relation_size('transparency_names') + pg_total_relation_size('transparency_refresh') AS bytes,
                (SELECT count(*) FROM transparency_daily) AS rows`,
      );
      return { bytes: Number(rows[0]!.bytes), rows: Number(rows[0]!.rows) };
    },

    async names(): Promise<PlaceName[]> {
      const { rows } = await pool.query<PlaceName>('SELECT kind, code, name_en AS "nameEn", name_hi AS "nameHi" FROM transparency_names ORDER BY kind, code');
      return rows;
    },
  };
}

/** The transparency repository's methods. */
export type TransparencyRepository = ReturnType<typeof createTransparencyRepository>;
