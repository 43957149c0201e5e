#!/usr/bin/env node
/** The ops command line: `npx sampark-atr <command>`. */
import { Command } from 'commander';
import { ValidationError } from '../client';
import { renderAtrCommand } from './render-atr';

const program = new Command()
  .name('sampark-atr')
  .description('Sampark ATR: render, inspect and operate Action Taken Report workflows')
  .showHelpAfterError();

program
  .command('render-atr')
  .description('render one ATR PDF from a closure JSON (the body of POST /v1/closures)')
  .argument('<closure.json>', 'closure file')
  .requiredOption('-o, --output <out.pdf>', 'where to write the PDF')
  .action(async (input: string, opts: { output: string }) => {
    console.log(await renderAtrCommand(input, opts.output));
  });

program.parseAsync().catch((err: unknown) => {
  if (err instanceof ValidationError) {
    console.error('The closure is not valid:');
    for (const f of err.fields) console.error(`  ${f.field}: ${f.message}`);
  } else {
    console.error(err instanceof Error ? err.message : String(err));
  }
  process.exitCode = 1;
});
