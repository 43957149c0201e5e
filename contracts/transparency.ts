/**
 * The transparency dashboard's contract: its refresh workflow, the Schedule that runs it, and its one activity.
 * Node-free, so the workflow sandbox can import it.
 */

/** The refresh workflow's type name (part of the Schedule's action: rename only with a new Schedule). */
export const TRANSPARENCY_REFRESH_WORKFLOW_TYPE = 'transparencyRefreshWorkflow';

/** The Schedule that keeps the dashboard's rollups current; its runs get this id with the scheduled time appended. */
export const TRANSPARENCY_SCHEDULE_ID = 'sampark-atr-transparency-refresh';

/**
 * How often the rollups are refreshed: the public figures are at most this much behind (plus the page cache). A
 * refresh only recomputes the days touched since the last, a second or two for a day's closures.
 */
export const TRANSPARENCY_REFRESH_EVERY = '15 minutes';

/** One refresh: nothing to pass (the watermark is in PostgreSQL). */
export type RefreshTransparencyInput = Record<string, never>;

/** What one refresh did. */
export interface RefreshTransparencyResult {
  /** IST days of disposal recomputed. */
  days: number;
  /** Rollup rows written for them. */
  rows: number;
  /** Closures changed up to this time (ISO) are now in the rollup. */
  watermark: string;
}

/** The refresh's activity. */
export interface TransparencyActivities {
  /** Recomputes the rollup rows of every day with a closure changed since the watermark, then moves the watermark. */
  refreshTransparency(input: RefreshTransparencyInput): Promise<RefreshTransparencyResult>;
}
