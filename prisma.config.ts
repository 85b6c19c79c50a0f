// Prisma CLI configuration. Herald applies migrations itself (src/db/migrate.ts); the CLI is used
// for `prisma generate`, and `prisma migrate deploy` elsewhere reads the same folder.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/herald' },
});
