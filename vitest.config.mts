import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One test file at a time. The suite's end-to-end tests each run a host, a collector or a
    // browser beside the one shared Azurite; two at once on two cores starved Azurite until storage
    // calls passed their 10-s client deadline (docs/reliability.md) and routes answered 503.
    maxWorkers: 1,
    projects: [
      // Beside the sources, pure enough to need no storage: `npm run test:unit` starts no Azurite.
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'ui/src/**/*.test.ts'] } },
      // Against the Azurite the global setup starts (integration), and through the local host (e2e).
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // The short soak runs after everything else (vitest.soak-short.config.mts): in the middle
          // of the run, the shared Azurite stopped answering for minutes after it.
          exclude: ['test/soak/soak.test.ts'],
          globalSetup: ['test/helpers/globalSetup.ts'],
        },
      },
    ],
  },
});
