import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql ships CJS and ESM builds; Apollo's packages require the CJS one. Node picks CJS for our
    // imports too, but Vite would pick the ESM build, giving two graphql instances ("another realm").
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/real-timers.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // End-to-end tests start real servers on 127.0.0.1; two cores, so keep parallelism modest.
    maxWorkers: 2,
    // Files share their worker's loaded modules instead of loading Apollo, graphql and the data afresh
    // for every file: importing was over half of the suite's time (68 s of 113 s on two cores). Every
    // file still builds its own servers, stores and caches, and restores the timers it fakes; what
    // library modules keep between calls is built once from constants (the standard's schema, a
    // keep-alive agent, static assets), so one file cannot leave state that changes the next.
    isolate: false,
  },
});
