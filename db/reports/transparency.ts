/**
 * The read side of the transparency rollup's refresh: which IST days of disposal have closures changed since a
 * watermark, and those days' figures per department and district, straight from the closures, feedback and
 * escalations. Read-only (SELECT); db/repositories/transparency.ts writes the rollup.
 */
import type { Pool } from 'pg';
import { LATENCY_BUCKET_EDGES_MINUTES, type DailyFigures, type PlaceName } from '../repositories/transparency';

const IST_DAY = (col: string) => `(${col} AT TIME ZONE 'Asia/Kolkata')::date`;
const DAY_START = (day: string) => `(${day}::timestamp AT TIME ZONE 'Asia/Kolkata')`;

/**
 * Resolved within its SLA: ended RESOLVED at the level it was raised at. Each level's SLA passing raises the level
 * (nothing but the end stops the clock), so an escalation that never climbed was resolved before any SLA passed; a
 * transfer restarts the clock at the same level. (The read model clears sla_due_at on resolution: no clock is left.)
 */
const RESOLVED_WITHIN_SLA = "count(*) FILTER (WHERE e.status = 'RESOLVED' AND e.current_level = e.level)::int";
/** Breached: the state's own SLA passed with nobody acting. */
const BREACHED = "count(*) FILTER (WHERE e.status = 'BREACHED')::int";

/** Creates the refresh's read queries on a pool. */
export function createTransparencyFacts(pool: Pool) {
  return {
    /** The database's clock now: the next watermark, taken before reading, so nothing committed later is missed. */
    async now(): Promise<Date> {
      return (await pool.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0]!.now;
    },

    /** IST days of disposal of closures (or their escalations) changed after `since`, oldest first. */
    async daysChangedSince(since: Date | null): Promise<string[]> {
      // The figures change when an escalation is raised and when it ends (resolved or breached), not with each note.
      const escalationChanged = ['e.created_at', 'e.resolved_at', 'e.breached_at'].map((col) => `${col} > $1`).join(' OR ');
      const { rows } = await pool.query<{ day: string }>(
        `SELECT DISTINCT day::text FROM (
           SELECT ${IST_DAY('c.disposed_at')} AS day FROM closures c WHERE c.facts_changed_at > $1 AND c.disposed_at IS NOT NULL
           UNION
           SELECT ${IST_DAY('c.disposed_at')} FROM escalations e JOIN closures c USING (workflow_id) WHERE (${escalationChanged}) AND c.disposed_at IS NOT NULL
         ) d ORDER BY 1`,
        [since ?? new Date(0)],
      );
      return rows.map((r) => r.day);
    },

    /** The figures of these IST days, per day, department and district (only combinations with closures). */
    async dailyFigures(days: readonly string[]): Promise<DailyFigures[]> {
      const buckets = LATENCY_BUCKET_EDGES_MINUTES.map((_, i) => `count(*) FILTER (WHERE bucket = ${i})::int`).join(', ');
      const { rows } = await pool.query<DailyFigures>(
        `WITH c AS (
           SELECT d.day, c.workflow_id, c.department_code, c.district_code, c.atr_on_phone_at IS NOT NULL AS delivered,
                  CASE WHEN c.atr_on_phone_at IS NOT NULL THEN
                    width_bucket(greatest(extract(epoch FROM c.atr_on_phone_at - c.disposed_at) / 60, 0), $2::float8[]) END AS bucket
             FROM unnest($1::date[]) d(day)
             JOIN closures c ON c.disposed_at >= ${DAY_START('d.day')} AND c.disposed_at < ${DAY_START('(d.day + 1)')}
         )
         SELECT c.day::text AS day, c.department_code AS "departmentCode", c.district_code AS "districtCode",
                count(*)::int AS disposed,
                count(*) FILTER (WHERE c.delivered)::int AS delivered,
                count(f.rating)::int AS feedback,
                count(*) FILTER (WHERE f.rating = 'SATISFIED')::int AS satisfied,
                count(*) FILTER (WHERE f.rating = 'NOT_SATISFIED')::int AS "notSatisfied",
                count(*) FILTER (WHERE e.level = 1)::int AS "escalatedL1",
                count(*) FILTER (WHERE e.level = 2)::int AS "escalatedL2",
                count(*) FILTER (WHERE e.level = 3)::int AS "escalatedL3",
                ${RESOLVED_WITHIN_SLA} AS "resolvedWithinSla",
                ${BREACHED} AS breached,
                ARRAY[${buckets}] AS latency
           FROM c
           LEFT JOIN LATERAL (SELECT fb.rating FROM feedback fb WHERE fb.workflow_id = c.workflow_id AND fb.decisive
                               ORDER BY fb.received_at LIMIT 1) f ON true
           LEFT JOIN escalations e ON e.workflow_id = c.workflow_id
          GROUP BY c.day, c.department_code, c.district_code`,
        [days, LATENCY_BUCKET_EDGES_MINUTES.slice(1)],
      );
      return rows;
    },

    /** The closures table's size on disk with its indexes (the benchmark sets the rollup's size beside it). */
    async closuresBytes(): Promise<number> {
      return Number((await pool.query<{ bytes: string }>("SELECT pg_total_relation_size('closures') AS bytes")).rows[0]!.bytes);
    },

    /** The public names of the departments and districts of these days' closures, as their closures gave them. */
    async placeNames(days: readonly string[]): Promise<PlaceName[]> {
      const { rows } = await pool.query<PlaceName>(
        `WITH c AS (
           SELECT c.department_code, c.district_code, c.closure
             FROM unnest($1::date[]) d(day)
             JOIN closures c ON c.disposed_at >= ${DAY_START('d.day')} AND c.disposed_at < ${DAY_START('(d.day + 1)')}
         )
         SELECT DISTINCT ON (kind, code) kind, code, "nameEn", "nameHi" FROM (
           SELECT 'department' AS kind, department_code AS code, closure->'department'->>'nameEn' AS "nameEn", closure->'department'->>'nameHi' AS "nameHi" FROM c
           UNION ALL
           SELECT 'district', district_code, closure->'district'->>'nameEn', closure->'district'->>'nameHi' FROM c
         ) n WHERE "nameEn" IS NOT NULL AND "nameHi" IS NOT NULL ORDER BY kind, code`,
        [days],
      );
      return rows;
    },
  };
}

/** The refresh's read queries. */
export type TransparencyFacts = ReturnType<typeof createTransparencyFacts>;
