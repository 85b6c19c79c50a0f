#!/usr/bin/env node
// The `herald` command: every command is a row of src/cli/command-table.ts; see `herald help`.
import { writeSync } from 'node:fs';
import { describeCommandError } from './cli/command-error.ts';
import { SERVE } from './cli/command-table.ts';
import { resolve, runCommand } from './cli/dispatch.ts';
import { loadConfigOrExit } from './config/exit-on-config-error.ts';
import { createLogger } from './log.ts';
import { StartupError, startupFailureLine } from './processes/startup-error.ts';

/** The exit code, or -1 for a server that keeps running until a signal. */
async function main(argv: string[]): Promise<number> {
  const resolution = resolve(argv);
  if (resolution.kind === 'help') {
    (resolution.code === 0 ? process.stdout : process.stderr).write(`${resolution.text}\n`);
    return resolution.code;
  }
  // Configuration is read only once the command line is known to be right: a typo is told first.
  const result = await runCommand(resolution.command, resolution.rest, () => {
    const config = loadConfigOrExit();
    return { config, log: createLogger({ json: config.nodeEnv === 'production', level: config.logLevel }) };
  });
  return result === SERVE ? -1 : result;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof StartupError) {
      // The configuration loaded (a bad one exits earlier), so NODE_ENV is valid here. writeSync:
      // process.exit does not wait for a pending asynchronous write to stderr.
      writeSync(2, `${startupFailureLine(error, process.env.NODE_ENV === 'production')}\n`);
      process.exit(2);
    }
    const expected = describeCommandError(error) ?? (error instanceof TypeError && 'code' in error ? error.message : null);
    process.stderr.write(`herald: ${expected ?? (error instanceof Error ? error.stack : String(error))}\n`);
    process.exit(expected ? 2 : 1);
  },
);
