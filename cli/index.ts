#!/usr/bin/env node
/** The ops command line: `npx sampark-atr <command>`. */
import { Command } from 'commander';
import { ValidationError } from '../client';
import { ConfigError } from '../config';
import { DELIVERY_STATUSES } from '../contracts/workflow';
import { backfillExitCode, parseRate, printBackfill, runBackfill } from './backfill';
import { CSV_COLUMNS } from './closures-csv';
import { importOfficers, listEscalations, type EscalationListOptions } from './escalations';
import { withContext } from './context';
import { parseEraseGrievance, printErase, runErase } from './erase';
import { parseEventsGrievance, parseSince, printEvents, printEventsReplay, runEvents, runEventsReplay } from './events';
import { printOfficerAccount, runOfficerAccount } from './officer-accounts';
import { LIST_OUTCOMES, parseListOptions, printList, runList, type RawListOptions } from './list';
import { parseReportOptions, printReport, runReport } from './report';
import { defaultRequester, parseRequester, printResend, resendFailed, runResend } from './resend';
import { printResume, runResume } from './resume';
import { renderAtrCommand } from './render-atr';
import { parseGrievanceId, printStatus, runStatus } from './status';

const program = new Command()
  .name('sampark-atr')
  .description('Sampark ATR: render, inspect and operate Action Taken Report workflows')
  .option('--verbose', 'print stack traces with errors')
  .showHelpAfterError()
  .addHelpText(
    'after',
    '\nConnections come from the environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE (and TLS/API key), DATABASE_URL.',
  );

program
  .command('render-atr')
  .description('render one ATR PDF from a closure JSON (the body of POST /v1/closures)')
  .argument('<closure.json>', 'closure file')
  .requiredOption('-o, --output <out.pdf>', 'where to write the PDF')
  .action(async (input: string, opts: { output: string }) => {
    console.log(await renderAtrCommand(input, opts.output));
  });

program
  .command('status')
  .description("the latest closure's live state, the messages sent and the escalation (no personal data)")
  .argument('<grievanceId>', 'the portal grievance number')
  .option('--json', 'print JSON')
  .action(async (grievanceId: string, opts: { json?: boolean }) => {
    parseGrievanceId(grievanceId);
    await withContext(async (ctx) => {
      const report = await runStatus({ atr: await ctx.atr(), pool: await ctx.pool() }, grievanceId);
      printStatus(report, process.stdout, opts.json);
    });
  });

program
  .command('list')
  .description("ATR workflows found by their search attributes through Temporal's visibility API")
  .option('--department <code>', 'department code, e.g. LSG')
  .option('--district <code>', 'district code, e.g. JPR')
  .option('--outcome <outcome>', `${LIST_OUTCOMES.join(' | ')} (OPEN: running, no outcome yet)`)
  .option('--delivery-status <status>', DELIVERY_STATUSES.join(' | '))
  .option('--limit <n>', 'at most this many rows (1-1000)', '50')
  .option('--json', 'print JSON')
  .action(async (opts: RawListOptions & { json?: boolean }) => {
    const options = parseListOptions(opts);
    await withContext(async (ctx) => printList(await runList({ client: await ctx.temporal() }, options), process.stdout, opts.json));
  });

program
  .command('resend')
  .description("send the latest closure's ATR to the citizen again (by SMS if WhatsApp cannot reach them); prints what came of it")
  .argument('<grievanceId>', 'the portal grievance number')
  .option('--by <name>', 'who asks, recorded in the workflow (default ops:$USER)')
  .option('--json', 'print JSON')
  .action(async (grievanceId: string, opts: { by?: string; json?: boolean }) => {
    parseGrievanceId(grievanceId);
    const by = parseRequester(opts.by ?? defaultRequester());
    await withContext(async (ctx) => {
      const result = await runResend({ atr: await ctx.atr() }, grievanceId, by);
      printResend(result, process.stdout, opts.json);
      if (resendFailed(result)) process.exitCode = 1;
    });
  });

program
  .command('resume')
  .description('after fixing a fault on our side (token, template): probe the blocked channels now and resume every blocked closure')
  .option('--grievance <id>', 'resume only this grievance')
  .option('--by <name>', 'who asks, recorded in the workflow (default ops:$USER)')
  .option('--json', 'print JSON')
  .action(async (opts: { grievance?: string; by?: string; json?: boolean }) => {
    const grievanceId = opts.grievance === undefined ? undefined : parseGrievanceId(opts.grievance);
    const by = parseRequester(opts.by ?? defaultRequester());
    await withContext(async (ctx) => {
      const deps = { client: await ctx.temporal(), pool: await ctx.pool(), taskQueue: ctx.config.temporal.taskQueue };
      printResume(await runResume(deps, { ...(grievanceId ? { grievanceId } : {}), requestedBy: by }), process.stdout, opts.json);
    });
  });

program
  .command('erase')
  .description("erase one citizen's personal data on request (DPDP Act 2023): the grievance's workflows in Temporal and its records in PostgreSQL; prints what was erased")
  .requiredOption('--grievance <id>', 'the portal grievance number')
  .option('--by <name>', 'who asks, recorded on the erased closures (default ops:$USER)')
  .option('--json', 'print JSON')
  .action(async (opts: { grievance: string; by?: string; json?: boolean }) => {
    const grievanceId = parseEraseGrievance(opts.grievance);
    const by = parseRequester(opts.by ?? defaultRequester());
    await withContext(async (ctx) => printErase(await runErase({ client: await ctx.temporal(), pool: await ctx.pool() }, grievanceId, by), process.stdout, opts.json));
  });

program
  .command('backfill')
  .description('start ATR workflows for past closures from a CSV file (idempotent: a re-run starts nothing twice)')
  .argument('<closures.csv>', 'one closure per row, header row first, UTF-8')
  .option('--rate <n>', 'workflow starts per second', '20')
  .option('--dry-run', 'validate every row, start nothing')
  .option('--json', 'print the result as JSON')
  .addHelpText(
    'after',
    `\nCSV columns (* must have a value; others may be empty or left out):\n  ${CSV_COLUMNS.map((c) => `${c.name}${c.required ? '*' : ''}`).join(', ')}\n` +
      'Dates are ISO 8601 (2026-11-27T16:40:00+05:30); without an offset they are IST. citizenLanguage is hi (default) or en.\n' +
      'Example: examples/closures.csv. Exit code 1 if any row was invalid or failed.',
  )
  .action(async (file: string, opts: { rate: string; dryRun?: boolean; json?: boolean }) => {
    const ratePerSecond = parseRate(opts.rate);
    const options = { file, ratePerSecond, dryRun: Boolean(opts.dryRun) };
    const deps = { out: opts.json ? undefined : process.stdout, progress: process.stderr };
    const result = options.dryRun
      ? await runBackfill(deps, options)
      : await withContext(async (ctx) => runBackfill({ ...deps, atr: await ctx.atr() }, options));
    printBackfill(result, process.stdout, opts.json);
    process.exitCode = backfillExitCode(result);
  });

program
  .command('report')
  .description('per department and district: closures, ATRs sent, delivered, read, feedback, satisfaction, escalations, SMS fallbacks')
  .option('--from <YYYY-MM-DD>', 'closures disposed of on or after this IST date')
  .option('--to <YYYY-MM-DD>', 'closures disposed of on or before this IST date')
  .option('--json', 'print JSON')
  .action(async (opts: { from?: string; to?: string; json?: boolean }) => {
    const options = parseReportOptions(opts);
    await withContext(async (ctx) => printReport(await runReport({ pool: await ctx.pool() }, options), options, process.stdout, opts.json));
  });

const events = program
  .command('events')
  .description("the event feed to the portal: the backlog by status and type, the oldest pending, the latest refused (no personal data)")
  .option('--grievance <id>', "list one grievance's events in order instead")
  .option('--json', 'print JSON')
  .action(async (opts: { grievance?: string; json?: boolean }) => {
    const grievanceId = parseEventsGrievance(opts.grievance);
    await withContext(async (ctx) => printEvents(await runEvents({ pool: await ctx.pool() }, grievanceId ? { grievanceId } : {}), process.stdout, opts.json));
  });

events
  .command('replay')
  .description('send delivered and refused events again from a point in time, under the same ids (the portal drops what it has)')
  .requiredOption('--since <time>', 'ISO 8601 time the events occurred at or after, e.g. 2026-12-01T09:00:00+05:30')
  .option('--grievance <id>', 'only this grievance')
  .option('--json', 'print JSON')
  // `events` takes --grievance and --json wherever they stand: read them from either command.
  .action(async (_opts: unknown, command: Command) => {
    const opts = command.optsWithGlobals<{ since: string; grievance?: string; json?: boolean }>();
    const since = parseSince(opts.since);
    const grievanceId = parseEventsGrievance(opts.grievance);
    await withContext(async (ctx) => printEventsReplay(await runEventsReplay({ pool: await ctx.pool() }, { since, ...(grievanceId ? { grievanceId } : {}) }), process.stdout, opts.json));
  });

program
  .command('escalations')
  .description('escalations from the read model: ids, levels, statuses, SLA due (no personal data), most urgent first')
  .option('--level <N>', 'level 1, 2 or 3')
  .option('--status <S>', 'OPEN, ACKNOWLEDGED, AWAITING_CITIZEN, RESOLVED or BREACHED')
  .option('--department <D>', 'department code')
  .option('--district <X>', 'district code')
  .option('--overdue', 'only those whose SLA has passed')
  .option('--json', 'print JSON')
  .action(async (opts: EscalationListOptions & { json?: boolean }) => {
    await withContext(async (ctx) => listEscalations(await ctx.pool(), opts, process.stdout, opts.json));
  });

const officers = program.command('officers').description("the officers' directory and their inbox logins");
officers
  .command('import <file>')
  .description('load officers from CSV (officerId,name,role,departmentCode,districtCode,whatsappPhone,active); all rows or none')
  .action(async (file: string) => {
    const result = await withContext(async (ctx) => importOfficers(await ctx.pool(), file));
    if (result.bad.length) {
      process.exitCode = 1;
      console.error(`No officer imported: ${result.bad.length} bad row(s):`);
      for (const b of result.bad) for (const f of b.fields) console.error(`  line ${b.line}: ${f.field}: ${f.message}`);
      return;
    }
    console.log(`Imported officers: ${result.inserted} new, ${result.updated} updated.`);
  });

officers
  .command('account')
  .description("create or reset an officer's inbox login and print a one-time password (the officer must be in the directory)")
  .argument('<officerId>', "the officer's id in the directory")
  .option('--json', 'print JSON')
  .action(async (officerId: string, opts: { json?: boolean }) => {
    await withContext(async (ctx) => printOfficerAccount(await runOfficerAccount(await ctx.pool(), officerId), process.stdout, opts.json));
  });

program.parseAsync().catch((err: unknown) => {
  process.exitCode = 1;
  if (program.opts<{ verbose?: boolean }>().verbose) {
    console.error(describeVerbose(err));
  } else if (err instanceof ConfigError) {
    console.error(err.message); // every problem, one a line
  } else if (err instanceof ValidationError) {
    console.error('The closure is not valid:');
    for (const f of err.fields) console.error(`  ${f.field}: ${f.message}`);
  } else {
    console.error(err instanceof Error ? oneLine(err) : String(err));
  }
});

/** An unexpected error in one line: its message and its cause's (gRPC and pg errors hide the useful part there). */
function oneLine(err: Error): string {
  const cause = err.cause instanceof Error && !err.message.includes(err.cause.message) ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`.replace(/\s*\n\s*/g, ' ');
}

function describeVerbose(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 5; e = e instanceof Error ? e.cause : undefined, depth++) {
    parts.push(depth ? `caused by: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` : e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
  return parts.join('\n');
}
