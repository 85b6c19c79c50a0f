import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module). Node — and so Pothos and Yoga in node_modules —
    // loads the CJS file; vite would give our code the ESM one, and two copies of graphql refuse
    // each other's types. Point everyone at the one Node uses.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The fault-injection suite is `npm run test:faults` (vitest.faults.config.ts).
    exclude: [...configDefaults.exclude, 'test/faults/**'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests wait on conditions, never on time; a slow machine makes them slower, not red.
    teardownTimeout: 30_000,
    // expect.poll's own default (1 s) is a timing assumption: a page's first render under a loaded
    // machine took longer, and the journey failed on its first heading.
    expect: { poll: { timeout: 10_000 } },
  },
});
