#!/usr/bin/env node
/** The xenhpc executable: src/cli/app.ts does the work, so tests can run it in-process. */
import { hideBin } from 'yargs/helpers';
import { main } from './app.js';

// `xenhpc profiles show x | head` closes the pipe early: stop quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const code = await main(hideBin(process.argv));
process.exitCode = code;
