import { defineConfig } from 'vitest/config';

/**
 * `npm run soak`: the full soak (test/soak/soak.test.ts with SOAK_PROFILE=full, about 45 minutes; it
 * writes docs/reliability-run.md) and the append property with 400 runs. One worker, so that the
 * figures are not taken while another suite competes for the machine.
 */
export default defineConfig({
  test: {
    name: 'soak',
    include: ['test/soak/soak.test.ts', 'test/integration/appendProperty.test.ts'],
    globalSetup: ['test/helpers/globalSetup.ts'],
    env: { SOAK_PROFILE: 'full' },
    testTimeout: 60 * 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
