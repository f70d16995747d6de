import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: more workers only fight over them.
    maxWorkers: 2,
    projects: [
      // Beside the sources, pure enough to need no storage: `npm run test:unit` starts no Azurite.
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'ui/src/**/*.test.ts'] } },
      // Against the Azurite the global setup starts (integration), and through the local host (e2e).
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/helpers/globalSetup.ts'],
        },
      },
    ],
  },
});
