// De-risks the hand-written SQL migrations drifting from prisma/schema.prisma (the Prisma CLI that
// would catch it cannot run here): every table, column, type, nullability, enum, index and
// foreign key of the schema must be exactly what the migrations create.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { databaseFacts, driftBetween, schemaFacts } from '../support/schema-drift.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe('schema.prisma and the migrated database', () => {
  it('agree on every table, column, enum, index and foreign key', async () => {
    const drift = driftBetween(schemaFacts(), await databaseFacts(database.url));
    expect(drift).toEqual({ missingInDatabase: [], notInSchema: [] });
    expect(schemaFacts().size).toBeGreaterThan(80);
    for (const table of ['events', 'deliveries', 'attempts']) expect(schemaFacts()).toContain(`partitioned by range (id) ${table}`);
  });

  it('reports a changed column type, a dropped index and an extra column', async () => {
    await database.prisma.$executeRawUnsafe('ALTER TABLE endpoints ALTER COLUMN name TYPE text');
    await database.prisma.$executeRawUnsafe('DROP INDEX deliveries_endpoint_id_id_idx');
    await database.prisma.$executeRawUnsafe('ALTER TABLE events ADD COLUMN stray integer');
    const drift = driftBetween(schemaFacts(), await databaseFacts(database.url));
    expect(drift.missingInDatabase).toEqual([
      'column endpoints.name character varying(255) not null',
      'index deliveries(endpoint_id,id)',
    ]);
    expect(drift.notInSchema).toEqual(['column endpoints.name text not null', 'column events.stray integer null']);
  });

  it('reports a model the migrations never created', async () => {
    const withGhost = `${readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8')}
model Ghost {
  id Int @id
  @@map("ghosts")
}
`;
    const drift = driftBetween(schemaFacts(withGhost), await databaseFacts(database.url));
    expect(drift.missingInDatabase).toContain('table ghosts');
  });
});
