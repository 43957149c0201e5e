/**
 * The transparency rollup's refresh (TransparencyActivities in contracts/transparency): recomputes the days of
 * disposal touched since the watermark from the closures, in bounded chunks of days, each replaced whole in
 * one transaction, so a retry or a second run writes the same rows.
 */
import type { RefreshTransparencyResult, TransparencyActivities } from '../contracts/transparency';
import type { TransparencyFacts } from '../db/reports/transparency';
import type { TransparencyRepository } from '../db/repositories/transparency';
import type { Log } from './ports';

/**
 * How far before the watermark changes are looked for again: a transaction stamps its changes with its start
 * time, so one that was still running at the last refresh may have committed changes dated before it.
 */
export const WATERMARK_OVERLAP_MS = 10 * 60_000;

/** Days recomputed per statement: a week of a whole state's closures reads in seconds, well inside the pool's statement timeout. */
export const DAYS_PER_CHUNK = 7;

/** What the refresh needs. */
export interface TransparencyDeps {
  facts: Pick<TransparencyFacts, 'now' | 'daysChangedSince' | 'dailyFigures' | 'placeNames'>;
  rollup: Pick<TransparencyRepository, 'watermark' | 'saveWatermark' | 'replaceDays'>;
  log: Log;
}

/** Recomputes the days changed since the watermark; the function behind the activity, also run by the bench. */
export async function refreshTransparency({ facts, rollup, log }: TransparencyDeps): Promise<RefreshTransparencyResult> {
  const next = await facts.now();
  const last = await rollup.watermark();
  const since = last ? new Date(last.watermark.getTime() - WATERMARK_OVERLAP_MS) : null;
  const days = await facts.daysChangedSince(since);
  let rows = 0;
  for (let i = 0; i < days.length; i += DAYS_PER_CHUNK) {
    const chunk = days.slice(i, i + DAYS_PER_CHUNK);
    const figures = await facts.dailyFigures(chunk);
    await rollup.replaceDays(chunk, figures, await facts.placeNames(chunk));
    rows += figures.length;
  }
  await rollup.saveWatermark(next);
  if (days.length) log.info({ days: days.length, rows }, 'transparency rollup refreshed');
  return { days: days.length, rows, watermark: next.toISOString() };
}

/** Builds the refresh activity. */
export function createTransparencyActivities(deps: TransparencyDeps): TransparencyActivities {
  return { refreshTransparency: () => refreshTransparency(deps) };
}
