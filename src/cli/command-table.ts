// Every `herald` command in one table: its words, arguments, flags, summary, example and handler.
// Parsing, `--help`, did-you-mean, the global help page and docs/cli.md are all drawn from it.
import type { HeraldConfig } from '../config/config.ts';
import type { Db } from '../db/prisma.ts';
import type { Logger } from '../log.ts';
import type { ProcessKind } from '../processes/serve.ts';
import type { ArgumentSpec, CommandLine, FlagSpec, ParsedArgs } from './args.ts';
import { details, json, table } from './output.ts';
import type { NodeTypeName } from '../global-id.ts';
import { parseLimit, parseStatus, rowId } from './values.ts';

// The handlers' modules (the runtime, Prisma, the server) are loaded when a command runs, not to
// parse its line: help pages and usage errors answer without loading them (seconds on a busy machine).
const commands = () => import('./commands.ts');
const reads = () => import('./reads.ts');

export interface CommandInput {
  parsed: ParsedArgs;
  config: HeraldConfig;
  log: Logger;
  /** A line on stdout (what scripts capture). */
  print: (text: string) => void;
}

export interface Command extends CommandLine {
  summary: string;
  /** More than the summary line, for the help page and docs/cli.md. */
  notes?: string;
  /** One line a user can paste (without the leading `herald`). */
  example: string;
  /** Runs the command: an exit code, or 'running' for a server that stops on a signal. */
  run: (input: CommandInput) => Promise<number | 'running'>;
}

export const SERVE = 'running';

const flag = (summary: string, value?: string, more: Partial<FlagSpec> = {}): FlagSpec => ({ summary, ...(value ? { value } : {}), ...more });
const argument = (name: string, summary: string, more: Partial<ArgumentSpec> = {}): ArgumentSpec => ({ name, summary, required: true, ...more });
/** An id argument, checked for its type (`dlv_…`) before anything opens. */
const idArgument = (typename: NodeTypeName, summary: string): ArgumentSpec => argument('id', summary, { check: (typed, name) => rowId(typed, typename, name) });

const JSON_FLAG = flag('print JSON instead of a table');
const LIMIT_FLAG = flag('how many rows at most (default 20, up to 500)', 'N', { check: parseLimit });
const ORG_FILTER = flag("only this organization's rows", 'slug');

/** Opens the runtime for one read and closes it. */
async function readWith<T>(input: CommandInput, work: (db: Db, module: typeof import('./reads.ts')) => Promise<T>): Promise<T> {
  const [{ withRuntime }, module] = await Promise.all([commands(), reads()]);
  return withRuntime(input.config, input.log, ({ db }) => work(db, module));
}

const text = (parsed: ParsedArgs, name: string): string | undefined => parsed.flags.get(name) as string | undefined;
const texts = (parsed: ParsedArgs, name: string): string[] => (parsed.flags.get(name) as string[] | undefined) ?? [];
const on = (parsed: ParsedArgs, name: string): boolean => parsed.flags.get(name) === true;
const arg = (parsed: ParsedArgs, name: string): string => parsed.args.get(name)!;

/** Prints records as JSON or as a table / detail view; exit 0. */
function printRead(input: CommandInput, value: Record<string, unknown> | Record<string, unknown>[], view: { columns?: string[]; empty?: string; nested?: Record<string, string[]> }): number {
  if (on(input.parsed, 'json')) input.print(json(value));
  else if (Array.isArray(value)) input.print(table(value, view.columns ?? [], view.empty ?? '(none)'));
  else input.print(details(value, view.nested));
  return 0;
}

function serveCommand(kind: ProcessKind, summary: string): Omit<Command, 'usage'> {
  return {
    name: kind,
    summary,
    example: kind,
    flags: {},
    arguments: [],
    run: async ({ config, log }) => {
      const { serve } = await import('../processes/serve.ts');
      if (config.allowPrivateNetworks === 'loopback') {
        log.warn('loopback delivery is on (development only): endpoints may point to http://localhost, 127.0.0.0/8 and [::1]; other private addresses stay refused');
      }
      await serve(kind, config, log);
      return SERVE;
    },
  };
}

const DEFINITIONS: Array<Omit<Command, 'usage'>> = [
  serveCommand('serve', 'run the API and the delivery worker in one process on PORT'),
  serveCommand('api', 'run the GraphQL API only'),
  serveCommand('worker', 'run the delivery worker only (its probes on PORT)'),
  {
    name: 'migrate',
    summary: 'apply database migrations and exit',
    example: 'migrate',
    flags: {},
    arguments: [],
    run: async ({ config, log }) => {
      await (await commands()).migrateCommand(config, log);
      return 0;
    },
  },
  {
    name: 'org create',
    summary: 'create an organization (prints its slug)',
    example: 'org create acme --name "Acme Inc"',
    flags: { name: flag('display name (default: the slug)', 'N') },
    arguments: [argument('slug', 'lowercase letters, digits and inner hyphens')],
    run: async ({ parsed, config, log, print }) => {
      print(await (await commands()).orgCreate(config, log, arg(parsed, 'slug'), text(parsed, 'name')));
      return 0;
    },
  },
  {
    name: 'org list',
    summary: 'list organizations, by slug',
    example: 'org list',
    flags: { json: JSON_FLAG, limit: LIMIT_FLAG },
    arguments: [],
    run: async (input) => {
      const rows = await readWith(input, async (db, r) => r.listOrganizations(db, parseLimit(text(input.parsed, 'limit'))));
      return printRead(input, rows, { columns: ['slug', 'name', 'id', 'createdAt'], empty: 'no organizations (herald org create <slug> makes one)' });
    },
  },
  {
    name: 'org show',
    summary: 'show an organization, its endpoint and key counts',
    example: 'org show acme',
    flags: { json: JSON_FLAG },
    arguments: [argument('org', 'its slug or its id (org_…)')],
    run: async (input) => printRead(input, await readWith(input, async (db, r) => r.showOrganization(db, arg(input.parsed, 'org'))), {}),
  },
  {
    name: 'key create',
    summary: 'create an organization API key (prints the key alone)',
    example: 'key create --org acme --scope events:publish --name billing',
    flags: {
      org: flag("the organization's slug", 'slug', { required: true }),
      scope: flag('a scope to grant (default: every organization scope)', 'S', { multiple: true }),
      name: flag('a name to tell keys apart', 'N'),
    },
    arguments: [],
    run: async ({ parsed, config, log, print }) => {
      print(await (await commands()).keyCreate(config, log, text(parsed, 'org')!, texts(parsed, 'scope'), text(parsed, 'name')));
      return 0;
    },
  },
  {
    name: 'key list',
    summary: 'list admin and organization keys with their standing (never the secret)',
    example: 'key list --org acme',
    flags: { org: ORG_FILTER, sessions: flag('include portal sessions'), json: JSON_FLAG, limit: LIMIT_FLAG },
    arguments: [],
    run: async (input) => {
      const rows = await readWith(input, async (db, r) =>
        r.listKeys(db, { organizationId: await r.organizationIdForFlag(db, text(input.parsed, 'org')), sessions: on(input.parsed, 'sessions'), limit: parseLimit(text(input.parsed, 'limit')) }),
      );
      return printRead(input, rows, { columns: ['id', 'kind', 'organization', 'name', 'prefix', 'standing', 'scopes'], empty: 'no keys' });
    },
  },
  {
    name: 'key show',
    summary: 'show one key: scopes, standing, expiry',
    example: 'key show key_0190d4c2a4b87c3e9a1f2b3c4d5e6f70',
    flags: { json: JSON_FLAG },
    arguments: [idArgument('ApiKey', "the key's id (key_…), as key list shows")],
    run: async (input) => printRead(input, await readWith(input, async (db, r) => r.showKey(db, arg(input.parsed, 'id'))), {}),
  },
  {
    name: 'key revoke',
    summary: 'revoke a key and the portal sessions it minted, at once',
    example: 'key revoke key_0190d4c2a4b87c3e9a1f2b3c4d5e6f70',
    flags: {},
    arguments: [idArgument('ApiKey', "the key's id (key_…), as key list shows")],
    run: async ({ parsed, config, log, print }) => {
      print(await (await commands()).keyRevoke(config, log, arg(parsed, 'id')));
      return 0;
    },
  },
  {
    name: 'admin-key create',
    summary: 'create an admin API key (prints the key alone)',
    example: 'admin-key create --name ops',
    flags: { name: flag('a name to tell keys apart', 'N') },
    arguments: [],
    run: async ({ parsed, config, log, print }) => {
      print(await (await commands()).adminKeyCreate(config, log, text(parsed, 'name')));
      return 0;
    },
  },
  {
    name: 'event-type create',
    summary: 'add an event type to the catalog',
    example: 'event-type create invoice.paid --description "An invoice was paid" --schema invoice.json',
    flags: { description: flag('what the event means, for integrators', 'D'), schema: flag('a JSON Schema file its payloads must match', 'file.json') },
    arguments: [argument('name', 'such as invoice.paid')],
    run: async ({ parsed, config, log, print }) => {
      print(await (await commands()).eventTypeCreate(config, log, arg(parsed, 'name'), text(parsed, 'description'), text(parsed, 'schema')));
      return 0;
    },
  },
  {
    name: 'endpoint list',
    summary: 'list endpoints, newest first',
    example: 'endpoint list --org acme',
    flags: { org: ORG_FILTER, json: JSON_FLAG, limit: LIMIT_FLAG },
    arguments: [],
    run: async (input) => {
      const rows = await readWith(input, async (db, r) =>
        r.listEndpoints(db, { organizationId: await r.organizationIdForFlag(db, text(input.parsed, 'org')), limit: parseLimit(text(input.parsed, 'limit')) }),
      );
      return printRead(input, rows, { columns: ['id', 'organization', 'active', 'disabledReason', 'url'], empty: 'no endpoints' });
    },
  },
  {
    name: 'endpoint show',
    summary: 'show one endpoint (never its secret)',
    example: 'endpoint show ep_0190d4c2a4b87c3e9a1f2b3c4d5e6f70',
    flags: { json: JSON_FLAG },
    arguments: [idArgument('Endpoint', "the endpoint's id (ep_…)")],
    run: async (input) => printRead(input, await readWith(input, async (db, r) => r.showEndpoint(db, arg(input.parsed, 'id'))), {}),
  },
  {
    name: 'event list',
    summary: 'list events, newest first',
    example: 'event list --org acme --type invoice.paid',
    flags: { org: ORG_FILTER, type: flag('only events of this type', 'T'), json: JSON_FLAG, limit: LIMIT_FLAG },
    arguments: [],
    run: async (input) => {
      const rows = await readWith(input, async (db, r) =>
        r.listEvents(db, { organizationId: await r.organizationIdForFlag(db, text(input.parsed, 'org')), type: text(input.parsed, 'type'), limit: parseLimit(text(input.parsed, 'limit')) }),
      );
      return printRead(input, rows, { columns: ['id', 'organization', 'type', 'project', 'createdAt'], empty: 'no events' });
    },
  },
  {
    name: 'event show',
    summary: 'show one event: its payload and its deliveries',
    example: 'event show evt_0190d4c2a4b87c3e9a1f2b3c4d5e6f70',
    flags: { json: JSON_FLAG },
    arguments: [idArgument('Event', "the event's id (evt_…)")],
    run: async (input) =>
      printRead(input, await readWith(input, async (db, r) => r.showEvent(db, arg(input.parsed, 'id'))), {
        nested: { deliveries: ['id', 'status', 'attemptCount', 'endpoint', 'endpointUrl'] },
      }),
  },
  {
    name: 'delivery list',
    summary: 'list deliveries, newest first',
    example: 'delivery list --org acme --status FAILED',
    flags: {
      org: ORG_FILTER,
      status: flag('only deliveries in this status (FAILED, RETRYING, …)', 'S', { check: parseStatus }),
      endpoint: flag('only deliveries to this endpoint', 'ep_…', { check: (typed, name) => rowId(typed, 'Endpoint', name) }),
      event: flag('only deliveries of this event', 'evt_…', { check: (typed, name) => rowId(typed, 'Event', name) }),
      json: JSON_FLAG,
      limit: LIMIT_FLAG,
    },
    arguments: [],
    run: async (input) => {
      const { parsed } = input;
      const status = parseStatus(text(parsed, 'status'));
      const endpoint = text(parsed, 'endpoint');
      const event = text(parsed, 'event');
      const filter = {
        status,
        endpointId: endpoint === undefined ? undefined : rowId(endpoint, 'Endpoint', '--endpoint'),
        eventId: event === undefined ? undefined : rowId(event, 'Event', '--event'),
        limit: parseLimit(text(parsed, 'limit')),
      };
      const rows = await readWith(input, async (db, r) => r.listDeliveries(db, { ...filter, organizationId: await r.organizationIdForFlag(db, text(parsed, 'org')) }));
      return printRead(input, rows, { columns: ['id', 'organization', 'status', 'attemptCount', 'lastStatusCode', 'eventType', 'endpoint', 'createdAt'], empty: 'no deliveries' });
    },
  },
  {
    name: 'delivery show',
    summary: 'show one delivery with every attempt',
    example: 'delivery show dlv_0190d4c2a4b87c3e9a1f2b3c4d5e6f70',
    flags: { json: JSON_FLAG },
    arguments: [idArgument('Delivery', "the delivery's id (dlv_…)")],
    run: async (input) =>
      printRead(input, await readWith(input, async (db, r) => r.showDelivery(db, arg(input.parsed, 'id'))), {
        nested: { attempts: ['number', 'startedAt', 'durationMs', 'responseStatus', 'errorKind', 'errorMessage'] },
      }),
  },
  {
    name: 'delivery retry',
    summary: 'attempt a finished or retrying delivery again, now (a worker sends it)',
    example: 'delivery retry dlv_0190d4c2a4b87c3e9a1f2b3c4d5e6f70',
    flags: {},
    arguments: [idArgument('Delivery', "the delivery's id (dlv_…)")],
    run: async ({ parsed, config, log, print }) => {
      print(await (await commands()).deliveryRetry(config, log, arg(parsed, 'id')));
      return 0;
    },
  },
  {
    name: 'portal-link',
    summary: 'mint a portal session and print its link alone',
    notes: "HERALD_PUBLIC_URL names the link's host. Scopes default to what the portal uses (endpoints and deliveries read/write, events:read), never events:publish unless named with --scope.",
    example: 'portal-link --org acme --read-only --expires 2h',
    flags: {
      org: flag("the organization's slug", 'slug', { required: true }),
      'read-only': flag('read scopes only'),
      expires: flag('how long the link works (default 1h, at most 24h)', 'duration'),
      scope: flag('a scope to grant', 'S', { multiple: true }),
    },
    arguments: [],
    run: async ({ parsed, config, log, print }) => {
      print(await (await commands()).portalLink(config, log, { orgSlug: text(parsed, 'org')!, readOnly: on(parsed, 'read-only'), expires: text(parsed, 'expires'), scopes: texts(parsed, 'scope') }));
      return 0;
    },
  },
];

/** `herald org create <slug> [--name N]`, from the table. */
function usageOf(command: Omit<Command, 'usage'>): string {
  const words = [`herald ${command.name}`];
  for (const argument of command.arguments) words.push(argument.required ? `<${argument.name}>` : `[<${argument.name}>]`);
  for (const [name, spec] of Object.entries(command.flags)) {
    const flagText = spec.value ? `--${name} <${spec.value}>` : `--${name}`;
    words.push(spec.required ? flagText : `[${flagText}]${spec.multiple ? '...' : ''}`);
  }
  return words.join(' ');
}

export const COMMANDS: readonly Command[] = DEFINITIONS.map((command) => ({ ...command, flags: { ...command.flags, help: flag('this help') }, usage: usageOf(command) }));
