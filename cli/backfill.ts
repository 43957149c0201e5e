/**
 * `sampark-atr backfill <closures.csv> [--rate N] [--dry-run]`: starts ATR workflows for past closures.
 * Each row is validated like POST /v1/closures; bad rows are reported by line and column and skipped.
 * Starting is idempotent, decided by the closure intake in PostgreSQL (grievance + cycle), so a repeated row or
 * a second run, however much later, reports "already started" and never makes a second workflow: an interrupted
 * import is simply re-run. A row that changes a closure already taken fails, naming the fields that differ.
 */
import { MultiBar, Presets } from 'cli-progress';
import type { AtrClient } from '../client';
import type { Closure, FieldError } from '../contracts/closure';
import { checkRow, readCsvRows } from './closures-csv';
import { CliError, writeJson, type Writer } from './output';

/** Tally of one import. */
export interface BackfillSummary {
  rows: number;
  valid: number;
  started: number;
  alreadyStarted: number;
  invalid: number;
  failed: number;
}

/** A row that was not started: invalid (field errors) or failed (Temporal's error, after retries). */
export interface RowProblem {
  line: number;
  grievanceId: string | null;
  cycle: number | null;
  errors?: FieldError[];
  error?: string;
}

/** The result of an import. */
export interface BackfillResult {
  file: string;
  dryRun: boolean;
  summary: BackfillSummary;
  invalid: RowProblem[];
  failed: RowProblem[];
}

/** What `backfill` needs. `atr` may be absent for a dry run, which touches nothing. */
export interface BackfillDeps {
  atr?: Pick<AtrClient, 'startClosure'>;
  /** Problem rows are written here as they happen (omit for JSON output). */
  out?: Writer;
  /** Progress: a bar on a terminal, otherwise a line every `progressIntervalMs`. */
  progress?: Writer;
  progressIntervalMs?: number;
  /** Retries of a transient Temporal error, per row. */
  retry?: { attempts: number; initialDelayMs: number };
}

/** Options after validation. */
export interface BackfillOptions {
  file: string;
  ratePerSecond: number;
  dryRun: boolean;
}

/** The default pace: each start soon renders a PDF and sends a WhatsApp template; live closures keep their share. */
export const DEFAULT_RATE = 20;
const DEFAULT_RETRY = { attempts: 4, initialDelayMs: 500 };

/** gRPC codes that a later attempt can get past: UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED. */
const TRANSIENT_GRPC_CODES = new Set([14, 4, 8, 10]);

/** Checks --rate: starts per second, more than 0 and at most 1000. */
export function parseRate(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_RATE;
  const rate = /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(rate > 0 && rate <= 1000)) throw new CliError(`--rate ${JSON.stringify(raw)} must be a number of starts per second, more than 0 and at most 1000`);
  return rate;
}

/** True for errors where the same start may well succeed a moment later (server busy or unreachable). */
export function isTransient(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number' && TRANSIENT_GRPC_CODES.has(code)) return true;
  }
  return false;
}

/** Imports the file: validates every row, starts the valid ones at the given pace (unless a dry run). */
export async function runBackfill(deps: BackfillDeps, opts: BackfillOptions): Promise<BackfillResult> {
  if (!opts.dryRun && !deps.atr) throw new Error('runBackfill needs a client unless it is a dry run');
  // A first pass counts the rows for the progress bar and finds a broken header or CSV before anything starts.
  let total = 0;
  for await (const _row of readCsvRows(opts.file)) total++;

  const result: BackfillResult = {
    file: opts.file,
    dryRun: opts.dryRun,
    summary: { rows: 0, valid: 0, started: 0, alreadyStarted: 0, invalid: 0, failed: 0 },
    invalid: [],
    failed: [],
  };
  const progress = createProgress(deps.progress, total, deps.progressIntervalMs ?? 5_000);
  const report = (text: string) => {
    if (!deps.out) return;
    if (deps.out.isTTY && progress.log) progress.log(text);
    else deps.out.write(text);
  };
  const pace = pacer(opts.ratePerSecond);
  const maxInFlight = Math.max(1, Math.min(50, Math.ceil(opts.ratePerSecond)));
  const inFlight = new Set<Promise<void>>();
  const s = result.summary;
  let done = 0;

  try {
    for await (const row of readCsvRows(opts.file)) {
      s.rows++;
      const checked = checkRow(row);
      if (!checked.ok) {
        s.invalid++;
        const problem = { line: checked.line, grievanceId: checked.grievanceId, cycle: checked.cycle, errors: checked.errors };
        result.invalid.push(problem);
        report(`line ${problem.line}${identity(problem)}: invalid: ${checked.errors.map((e) => `${e.field} ${e.message}`).join('; ')}\n`);
        progress.update(++done, s);
        continue;
      }
      s.valid++;
      if (opts.dryRun) {
        progress.update(++done, s);
        continue;
      }
      await pace();
      const task = startRow(deps.atr!, checked.closure, deps.retry ?? DEFAULT_RETRY).then((outcome) => {
        if (outcome === 'started') s.started++;
        else if (outcome === 'already') s.alreadyStarted++;
        else {
          s.failed++;
          const problem = { line: checked.line, grievanceId: checked.closure.grievanceId, cycle: checked.closure.cycle, error: outcome.error };
          result.failed.push(problem);
          report(`line ${problem.line}${identity(problem)}: failed: ${outcome.error}\n`);
        }
        progress.update(++done, s);
      });
      const tracked: Promise<void> = task.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    progress.stop(done, s);
  }
  result.failed.sort((a, b) => a.line - b.line);
  return result;
}

/** The exit code an import deserves: 1 if any row was invalid or failed. */
export function backfillExitCode(result: BackfillResult): number {
  return result.summary.invalid + result.summary.failed > 0 ? 1 : 0;
}

function identity(p: RowProblem): string {
  return p.grievanceId ? ` (grievance ${p.grievanceId}${p.cycle ? `, cycle ${p.cycle}` : ''})` : '';
}

type StartOutcome = 'started' | 'already' | { error: string };

/** Starts one closure, retrying transient errors with exponential backoff. */
async function startRow(atr: Pick<AtrClient, 'startClosure'>, closure: Closure, retry: { attempts: number; initialDelayMs: number }): Promise<StartOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      // After a transient error the first attempt may have reached the server: "already started" then
      // still means exactly one workflow, which is what matters.
      const { duplicate } = await atr.startClosure(closure);
      return duplicate ? 'already' : 'started';
    } catch (err) {
      if (attempt < retry.attempts && isTransient(err)) {
        await delay(retry.initialDelayMs * 2 ** (attempt - 1));
        continue;
      }
      const message = err instanceof Error ? err.message : String(err);
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      return { error: `${message}${cause}${attempt > 1 ? ` (after ${attempt} attempts)` : ''}` };
    }
  }
}

/** Spaces calls evenly at `ratePerSecond`: the first goes at once, each next one 1/rate s after the previous one's slot. */
function pacer(ratePerSecond: number): () => Promise<void> {
  const interval = 1000 / ratePerSecond;
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + interval;
    if (at > now) await delay(at - now);
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Progress {
  /** `done` rows have an answer: invalid at once, valid ones when Temporal answered (at once in a dry run). */
  update(done: number, s: BackfillSummary): void;
  stop(done: number, s: BackfillSummary): void;
  /** Writes a line above the bar (terminal only). */
  log?(text: string): void;
}

function progressLine(done: number, total: number, s: BackfillSummary): string {
  const pct = total ? Math.floor((done / total) * 100) : 100;
  return `backfill: ${done}/${total} rows (${pct}%): ${s.started} started, ${s.alreadyStarted} already started, ${s.invalid} invalid, ${s.failed} failed\n`;
}

/** A bar when progress goes to a terminal; a line now and then otherwise (CI logs, files, pipes). */
function createProgress(stream: Writer | undefined, total: number, intervalMs: number): Progress {
  if (!stream) return { update: () => undefined, stop: () => undefined };
  if (stream.isTTY) {
    const multi = new MultiBar(
      {
        stream: stream as NodeJS.WritableStream,
        format: 'backfill [{bar}] {percentage}% | {value}/{total} rows | {started} started, {already} already, {invalid} invalid, {failed} failed | ETA {eta_formatted}',
        // Not hideCursor: restoring it needs a SIGINT handler, and cli-progress's would swallow Ctrl-C.
      },
      Presets.shades_classic,
    );
    const bar = multi.create(total, 0, { started: 0, already: 0, invalid: 0, failed: 0 });
    const payload = (s: BackfillSummary) => ({ started: s.started, already: s.alreadyStarted, invalid: s.invalid, failed: s.failed });
    return {
      update: (done, s) => bar.update(done, payload(s)),
      stop: (done, s) => {
        bar.update(done, payload(s));
        multi.update(); // stop() alone would drop problem lines still waiting for the next redraw
        multi.stop();
      },
      log: (text) => multi.log(text),
    };
  }
  let last = Date.now();
  return {
    update: (done, s) => {
      if (Date.now() - last < intervalMs) return;
      last = Date.now();
      stream.write(progressLine(done, total, s));
    },
    stop: (done, s) => {
      stream.write(progressLine(done, total, s));
    },
  };
}

/** Prints the summary (problem rows were printed as they happened), or the whole result as JSON. */
export function printBackfill(result: BackfillResult, out: Writer, json = false): void {
  if (json) return writeJson(out, result);
  const s = result.summary;
  if (result.dryRun) {
    out.write(`Dry run of ${result.file}: ${s.rows} row(s), ${s.valid} valid, ${s.invalid} invalid; nothing was started.\n`);
    return;
  }
  out.write(`Backfill of ${result.file}: ${s.rows} row(s)\n`);
  const lines: [string, number][] = [
    ['started', s.started],
    ['already started', s.alreadyStarted],
    ['invalid', s.invalid],
    ['failed', s.failed],
  ];
  for (const [label, n] of lines) out.write(`  ${label.padEnd(16)} ${String(n).padStart(6)}\n`);
}
