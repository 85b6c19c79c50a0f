// `npm run test:faults`: the fault-injection suite (crashes, database restarts, misbehaving
// receivers, hostile input, load). Heavier than `npm test`, so it is its own command; CI runs both.
// Files run one at a time: several of them kill processes or load the machine on purpose.
import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/faults/**/*.test.ts'],
    exclude: [...configDefaults.exclude],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
