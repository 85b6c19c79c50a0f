// Raw SQL whose result type is checked. Each query declares the columns it returns, with their
// PostgreSQL types; its row type is derived from that declaration, and
// test/db/checked-sql.test.ts runs every query of CHECKED_QUERIES against a migrated database and
// fails when what PostgreSQL describes (names, order, types) differs from it. Prisma's TypedSQL
// gives the same guarantee by generation, but its generator needs the schema engine, which these
// machines cannot download; this keeps the queries where they are used.
import type pg from 'pg';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Tx } from './prisma.ts';

/**
 * Where raw SQL runs: a Prisma client or interactive transaction, or a `pg` connection (the hot
 * paths' own transactions, src/db/prisma.ts inTransaction). Both read uuid, text, int4, bool,
 * timestamptz and json(b) alike; int8 differs (bigint vs string), so checked queries avoid it on pg.
 */
export type SqlClient = Pick<Tx, '$queryRaw' | '$queryRawUnsafe' | '$executeRaw'> | pg.ClientBase | pg.Pool;

/** Runs a statement whose rows are not read (an INSERT, a pg_notify). */
export async function executeSql(client: SqlClient, sql: Prisma.Sql): Promise<void> {
  if ('$executeRaw' in client) await client.$executeRaw(sql);
  else await client.query(sql.text, sql.values);
}

/** A result column: its PostgreSQL type name (as pg_type.typname) and the TypeScript type it reads as. */
export interface Column<T> {
  readonly pg: string;
  /** Phantom: carries T for RowOf; never set. */
  readonly ts?: T;
}

const column = <T>(pg: string): Column<T> => ({ pg });

export const sqlTypes = {
  uuid: column<string>('uuid'),
  text: column<string>('text'),
  varchar: column<string>('varchar'),
  int4: column<number>('int4'),
  int8: column<bigint>('int8'),
  float8: column<number>('float8'),
  bool: column<boolean>('bool'),
  timestamptz: column<Date>('timestamptz'),
  bytea: column<Uint8Array>('bytea'),
  textArray: column<string[]>('_text'),
  /** A json(b) value of a known shape: the shape is the query's promise, checked by its tests. */
  json: <T>(pg: 'json' | 'jsonb' = 'json') => column<T>(pg),
  /** A PostgreSQL enum (its type name as created by the migrations). */
  enum: <T extends string>(name: string) => column<T>(name),
  nullable: <T>(inner: Column<T>) => column<T | null>(inner.pg),
} as const;

export type Columns = Record<string, Column<unknown>>;
export type RowOf<C extends Columns> = { [K in keyof C]: C[K] extends Column<infer T> ? T : never };

export interface CheckedQuery<A, C extends Columns> {
  name: string;
  columns: C;
  sql(args: A): Prisma.Sql;
  /** Arguments that make the query harmless (matching no row), for the type check. */
  sample: A;
  run(tx: SqlClient, args: A): Promise<Array<RowOf<C>>>;
}

export function checkedQuery<A, C extends Columns>(definition: { name: string; columns: C; sql: (args: A) => Prisma.Sql; sample: A }): CheckedQuery<A, C> {
  return {
    ...definition,
    // The declaration is the type; the test holds the query to it.
    run: async (tx, args) => {
      const sql = definition.sql(args);
      if ('$queryRaw' in tx) return tx.$queryRaw<Array<RowOf<C>>>(sql);
      return (await tx.query(sql.text, sql.values)).rows as Array<RowOf<C>>;
    },
  };
}
