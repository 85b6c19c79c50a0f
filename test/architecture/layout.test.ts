// De-risks the layout: dependencies point inward, and a delivery changes state in one place. The pure engine imports nothing with I/O; the
// HTTP edge, the worker, the delivery state machine and pubsub never reach up into GraphQL; only
// the processes (and the command line that starts them) know the processes. The rules read every
// import of src/ as text, so a wrong-way import fails here before anyone has to find it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

interface Import {
  from: string; // src/… of the importing file
  to: string; // src/… for a relative import, else the package name (node:fs, graphql, …)
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const from = relative(ROOT, file);
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((match) => {
    const spec = match[1] ?? match[2]!;
    const to = spec.startsWith('.') ? relative(ROOT, normalize(join(dirname(file), spec))) : spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
    return { from, to };
  });
}

const ALL = sourceFiles(SRC).flatMap(importsOf);
const under = (...folders: string[]) => (path: string) => folders.some((folder) => path === `src/${folder}` || path.startsWith(`src/${folder}/`));
const GRAPHQL_PACKAGES = ['graphql', 'graphql-yoga', 'graphql-ws', '@pothos/core', '@pothos/plugin-complexity', '@pothos/plugin-errors', '@pothos/plugin-prisma', '@pothos/plugin-relay', '@pothos/plugin-scope-auth', '@escape.tech/graphql-armor', '@graphql-yoga/render-graphiql'];
const isSchemaFile = (path: string) => /^src\/[^/]+\/schema\.ts$/.test(path);
/** Where GraphQL may be used: its own folder, each domain's schema.ts, and what starts processes. */
const graphqlLayer = (path: string) => under('graphql', 'processes')(path) || isSchemaFile(path) || path === 'src/main.ts' || under('portal')(path);
const reachesGraphql = (to: string) => GRAPHQL_PACKAGES.includes(to) || under('graphql')(to) || isSchemaFile(to);

function violations(rule: (imported: Import) => boolean): string[] {
  return ALL.filter(rule).map(({ from, to }) => `${from} → ${to}`);
}

describe('imports point inward', () => {
  it('found the source (the rules below check something)', () => {
    expect(ALL.filter((imported) => under('engine')(imported.from)).length).toBeGreaterThanOrEqual(3);
    expect(ALL.filter((imported) => under('worker')(imported.from)).length).toBeGreaterThan(10);
  });

  it('the engine imports only the engine, node:crypto and ipaddr.js (parsing): no I/O, no database, no HTTP, no clock of its own', () => {
    const pure = ['node:crypto', 'ipaddr.js'];
    expect(violations(({ from, to }) => under('engine')(from) && !under('engine')(to) && !pure.includes(to))).toEqual([]);
  });

  it('nothing below GraphQL imports it: the engine, the HTTP edge, the worker, the state machine, pubsub and the domains\' operations', () => {
    expect(violations(({ from, to }) => !graphqlLayer(from) && reachesGraphql(to))).toEqual([]);
  });

  it('the HTTP edge knows the engine, not the database, the queue or the domains', () => {
    expect(violations(({ from, to }) => under('http')(from) && to.startsWith('src/') && !under('engine', 'http')(to))).toEqual([]);
  });

  it('pubsub is plumbing: it imports no domain, worker or state machine', () => {
    const domains = under('organizations', 'api-keys', 'event-types', 'endpoints', 'events', 'deliveries', 'portal', 'worker', 'delivery-state');
    expect(violations(({ from, to }) => under('pubsub')(from) && domains(to))).toEqual([]);
  });

  it('only the processes and the command line start or know the processes', () => {
    expect(violations(({ from, to }) => under('processes')(to) && !under('processes', 'cli')(from) && from !== 'src/main.ts')).toEqual([]);
  });
});

describe('one delivery state machine', () => {
  // Writes to deliveries and attempts, through Prisma or raw SQL. Retention drops whole day
  // partitions (DDL, not a write here) and deletes the rows outside them in src/delivery-state/expiry.ts.
  const WRITE = /\b(?:delivery|attempt)\.(?:create|createMany|createManyAndReturn|update|updateMany|updateManyAndReturn|upsert|delete|deleteMany)\(|\b(?:UPDATE|INSERT INTO|DELETE FROM)\s+(?:deliveries|attempts)\b/;

  it('every write to a delivery or attempt row is in src/delivery-state', () => {
    const writers = sourceFiles(SRC)
      .filter((file) => WRITE.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(writers.length, 'the rule sees the state machine\'s own writes').toBeGreaterThan(0);
    expect(writers.filter((file) => !file.startsWith('src/delivery-state/'))).toEqual([]);
  });
});

describe('checked SQL', () => {
  it('no raw query declares its own result type: each is a checkedQuery (src/db/checked-sql.ts)', () => {
    const handTyped = sourceFiles(SRC)
      .filter((file) => /\$queryRaw(?:Unsafe)?</.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file))
      .filter((file) => file !== 'src/db/checked-sql.ts');
    expect(handTyped).toEqual([]);
  });
});
