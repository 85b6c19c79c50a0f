// Compares prisma/schema.prisma (parsed by Prisma's own schema parser, the wasm build that needs
// no native engine) with a live database, as sets of plain-text facts: tables, columns with type
// and nullability, enums, primary keys, unique and plain indexes, foreign keys. A model documented
// "Partitioned by range of id" is a partitioned table (relkind 'p'): its partitions are not
// tables of their own, its indexes are the parent's, and relations between two partitioned models
// are not foreign keys (docs/history-partitions.md).
import { readFileSync } from 'node:fs';
import wasm from '@prisma/prisma-schema-wasm';
import pg from 'pg';

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  documentation?: string;
  fields: DmmfField[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: Array<{ name: string; values: Array<{ name: string }> }>;
    indexes: Array<{ model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; fields: Array<{ name: string }> }>;
  };
}

const SCHEMA_PATH = new URL('../../prisma/schema.prisma', import.meta.url);
const PARTITIONED = /Partitioned by range of id/;

export function schemaFacts(schemaText = readFileSync(SCHEMA_PATH, 'utf8')): Set<string> {
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: schemaText }))) as Dmmf;
  const facts = new Set<string>();
  const models = new Map(dmmf.datamodel.models.map((model) => [model.name, model]));
  const table = (model: DmmfModel) => model.dbName ?? model.name;
  const column = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName)!;
    return field.dbName ?? field.name;
  };
  const partitioned = (model: DmmfModel) => PARTITIONED.test(model.documentation ?? '');
  for (const model of dmmf.datamodel.models) {
    facts.add(`table ${table(model)}`);
    if (partitioned(model)) facts.add(`partitioned by range (id) ${table(model)}`);
    for (const field of model.fields) {
      if (field.kind === 'object') {
        if (field.relationFromFields?.length) {
          const target = models.get(field.type)!;
          if (partitioned(model) && partitioned(target)) continue;
          const from = field.relationFromFields.map((f) => column(model, f)).join(',');
          const to = field.relationToFields!.map((f) => column(target, f)).join(',');
          facts.add(`foreign key ${table(model)}(${from}) -> ${table(target)}(${to})`);
        }
        continue;
      }
      const type = `${columnType(field)}${field.isList ? '[]' : ''}`;
      // Prisma creates list columns without NOT NULL.
      const nullability = field.isRequired && !field.isList ? 'not null' : 'null';
      facts.add(`column ${table(model)}.${field.dbName ?? field.name} ${type} ${nullability}`);
    }
  }
  for (const enumType of dmmf.datamodel.enums) {
    facts.add(`enum ${enumType.name} (${enumType.values.map((v) => v.name).join(',')})`);
  }
  for (const index of dmmf.datamodel.indexes) {
    const model = models.get(index.model)!;
    const kind = index.type === 'id' ? 'primary key' : index.type === 'unique' ? 'unique index' : 'index';
    facts.add(`${kind} ${table(model)}(${index.fields.map((f) => column(model, f.name)).join(',')})`);
  }
  return facts;
}

function columnType(field: DmmfField): string {
  if (field.kind === 'enum') return field.type;
  const [native, args] = field.nativeType ?? [null, []];
  switch (field.type) {
    case 'String':
      if (native === 'Uuid') return 'uuid';
      if (native === 'VarChar') return `character varying(${args[0]})`;
      return 'text';
    case 'DateTime':
      if (native === 'Timestamptz') return `timestamp(${args[0] ?? 6}) with time zone`;
      return `timestamp(${args[0] ?? 3}) without time zone`;
    case 'Int':
      return 'integer';
    case 'BigInt':
      return 'bigint';
    case 'Boolean':
      return 'boolean';
    case 'Json':
      return 'jsonb';
    case 'Bytes':
      return 'bytea';
    case 'Float':
      return 'double precision';
    default:
      return `unmapped ${field.type}`;
  }
}

export async function databaseFacts(url: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const facts = new Set<string>();
    const tables = await client.query<{ name: string }>(
      `SELECT relname AS name FROM pg_class
        WHERE relkind IN ('r', 'p') AND NOT relispartition AND relnamespace = 'public'::regnamespace AND relname <> '_prisma_migrations'`,
    );
    for (const { name } of tables.rows) facts.add(`table ${name}`);
    const partitioned = await client.query<{ name: string; key: string }>(
      `SELECT c.relname AS name, pg_get_partkeydef(c.oid) AS key FROM pg_class c WHERE c.relkind = 'p' AND c.relnamespace = 'public'::regnamespace`,
    );
    for (const { name, key } of partitioned.rows) facts.add(`partitioned by ${key.toLowerCase()} ${name}`);
    const columns = await client.query<{ tbl: string; col: string; type: string; notnull: boolean }>(
      `SELECT c.relname AS tbl, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relnamespace = 'public'::regnamespace
          AND c.relname <> '_prisma_migrations' AND a.attnum > 0 AND NOT a.attisdropped`,
    );
    for (const row of columns.rows) {
      facts.add(`column ${row.tbl}.${row.col} ${row.type.replaceAll('"', '')} ${row.notnull ? 'not null' : 'null'}`);
    }
    const enums = await client.query<{ name: string; labels: string[] }>(
      `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname`,
    );
    for (const row of enums.rows) facts.add(`enum ${row.name} (${row.labels.join(',')})`);
    const indexes = await client.query<{ tbl: string; primary: boolean; unique: boolean; cols: string[] }>(
      `SELECT c.relname AS tbl, i.indisprimary AS primary, i.indisunique AS unique,
              array_agg(a.attname::text ORDER BY k.ord) AS cols
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
        WHERE c.relnamespace = 'public'::regnamespace AND c.relname <> '_prisma_migrations' AND NOT c.relispartition
        GROUP BY i.indexrelid, c.relname, i.indisprimary, i.indisunique`,
    );
    for (const row of indexes.rows) {
      const kind = row.primary ? 'primary key' : row.unique ? 'unique index' : 'index';
      facts.add(`${kind} ${row.tbl}(${row.cols.join(',')})`);
    }
    const foreignKeys = await client.query<{ tbl: string; cols: string[]; target: string; targetCols: string[] }>(
      `SELECT c.relname AS tbl, t.relname AS target,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(n, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n) AS cols,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(n, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n) AS "targetCols"
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class t ON t.oid = con.confrelid
        WHERE con.contype = 'f' AND c.relnamespace = 'public'::regnamespace AND NOT c.relispartition`,
    );
    for (const row of foreignKeys.rows) facts.add(`foreign key ${row.tbl}(${row.cols.join(',')}) -> ${row.target}(${row.targetCols.join(',')})`);
    return facts;
  } finally {
    await client.end();
  }
}

/** What the schema says and the database lacks, and the reverse. */
export function driftBetween(schema: Set<string>, database: Set<string>): { missingInDatabase: string[]; notInSchema: string[] } {
  return {
    missingInDatabase: [...schema].filter((fact) => !database.has(fact)).sort(),
    notInSchema: [...database].filter((fact) => !schema.has(fact)).sort(),
  };
}
