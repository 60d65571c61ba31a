import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // End-to-end tests start real servers on 127.0.0.1; two cores, so keep parallelism modest.
    maxWorkers: 2,
  },
});
