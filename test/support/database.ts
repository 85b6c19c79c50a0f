// A fresh, migrated database for one test file, cloned from the run's template database.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createPrisma, type Db } from '../../src/db/prisma.ts';
import { databaseUrl, runAdminSql } from '../../src/db/admin.ts';

export interface TestDatabase {
  url: string;
  name: string;
  prisma: Db;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const { adminUrl, template, prefix } = inject('herald');
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await runAdminSql(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  const url = databaseUrl(adminUrl, name);
  const prisma = createPrisma(url, { poolMax: 5 });
  return {
    url,
    name,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await runAdminSql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** An empty database with nothing applied, for migration tests. */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const { adminUrl, prefix } = inject('herald');
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await runAdminSql(adminUrl, `CREATE DATABASE ${name}`);
  return { url: databaseUrl(adminUrl, name), drop: () => runAdminSql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

