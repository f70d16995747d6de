// `npm run screenshots`: the screenshot script, run by vitest for its Azurite (global setup).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/ui/screenshots.ts'],
    globalSetup: ['test/helpers/globalSetup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
