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
    // Two files at once on two cores (vitest's default is cores − 1): most of a file's time is
    // waiting on PostgreSQL, a browser or a child process. One at a time took 14 minutes, two 9.3;
    // three took 11 and starved the slow-consumer test.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests wait on conditions, never on time; a slow machine makes them slower, not red.
    teardownTimeout: 30_000,
    // expect.poll's own default (1 s) is a timing assumption: a page's first render under a loaded
    // machine took longer, and the journey failed on its first heading.
    expect: { poll: { timeout: 10_000 } },
  },
});
