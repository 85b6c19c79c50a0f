#!/usr/bin/env node
// The `herald` command. See `herald help`.
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  adminKeyCreate,
  describeCommandError,
  eventTypeCreate,
  keyCreate,
  migrateCommand,
  orgCreate,
  portalLink,
  UsageError,
} from './cli/commands.ts';
import { loadConfigOrExit } from './config/exit-on-config-error.ts';
import { createLogger } from './log.ts';
import { serve, type ProcessKind } from './processes/serve.ts';
import { StartupError, startupFailureLine } from './processes/startup-error.ts';

const HELP = `Usage: herald <command>

  serve                         API and delivery worker in one process on PORT
  api                           the GraphQL API only
  worker                        the delivery worker only (probes on PORT)
  migrate                       apply database migrations and exit
  org create <slug> [--name N]  create an organization
  key create --org <slug> [--scope S]... [--name N]
                                create an organization API key (prints the key alone)
  admin-key create [--name N]   create an admin API key (prints the key alone)
  event-type create <name> [--description D] [--schema file.json]
                                add an event type to the catalog
  portal-link --org <slug> [--read-only] [--expires 1h] [--scope S]...
                                mint a portal session (default 1h, at most 24h) and
                                print its link alone; HERALD_PUBLIC_URL names the host.
                                Scopes default to what the portal uses (endpoints and
                                deliveries read/write, events:read), never events:publish
                                unless named with --scope

Configuration is read from environment variables; see README.md.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      org: { type: 'string' },
      scope: { type: 'string', multiple: true },
      description: { type: 'string' },
      schema: { type: 'string' },
      'read-only': { type: 'boolean' },
      expires: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command || command === 'help') {
    console.log(HELP);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfigOrExit();
  const log = createLogger({ json: config.nodeEnv === 'production' });
  const print = (line: string) => process.stdout.write(`${line}\n`);

  switch (`${command} ${sub ?? ''}`.trim()) {
    case 'serve':
    case 'api':
    case 'worker':
      await serve(command as ProcessKind, config, log);
      return -1; // keeps running until a signal
    case 'migrate':
      await migrateCommand(config, log);
      return 0;
    case 'org create':
      if (!arg) throw new UsageError('usage: herald org create <slug> [--name N]');
      print(await orgCreate(config, log, arg, values.name));
      return 0;
    case 'key create':
      if (!values.org) throw new UsageError('usage: herald key create --org <slug> [--scope S]... [--name N]');
      print(await keyCreate(config, log, values.org, values.scope ?? [], values.name));
      return 0;
    case 'admin-key create':
      print(await adminKeyCreate(config, log, values.name));
      return 0;
    case 'event-type create':
      if (!arg) throw new UsageError('usage: herald event-type create <name> [--description D] [--schema file.json]');
      print(await eventTypeCreate(config, log, arg, values.description, values.schema));
      return 0;
    case 'portal-link':
      if (!values.org) throw new UsageError('usage: herald portal-link --org <slug> [--read-only] [--expires 1h] [--scope S]...');
      print(await portalLink(config, log, { orgSlug: values.org, readOnly: values['read-only'] ?? false, expires: values.expires, scopes: values.scope ?? [] }));
      return 0;
    default:
      throw new UsageError(`unknown command "${positionals.join(' ')}"; see herald help`);
  }
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
