// For the CLI: a bad configuration stops the process with one line naming the variable, and
// exit code 2 (usage), before anything is opened.
import { writeSync } from 'node:fs';
import { ConfigError, loadConfig, type HeraldConfig } from './config.ts';

export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): HeraldConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // writeSync: process.exit does not wait for a pending asynchronous write to stderr.
    writeSync(2, `herald: ${error.message}\n`);
    return process.exit(2);
  }
}
