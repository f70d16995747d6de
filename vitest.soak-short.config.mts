import { defineConfig } from 'vitest/config';

/**
 * The short seeded soak (test/soak/soak.test.ts, about 3 minutes), run by `npm test` after the other
 * suites: run among them, the shared Azurite the later test files used stopped answering for minutes
 * after it. `npm run soak` runs the full profile (vitest.soak.config.mts).
 */
export default defineConfig({
  test: {
    name: 'soak-short',
    include: ['test/soak/soak.test.ts'],
    globalSetup: ['test/helpers/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
