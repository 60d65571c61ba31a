import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql ships CJS and ESM builds; Apollo's packages require the CJS one. Node picks CJS for our
    // imports too, but Vite would pick the ESM build, giving two graphql instances ("another realm").
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // End-to-end tests start real servers on 127.0.0.1; two cores, so keep parallelism modest.
    maxWorkers: 2,
  },
});
