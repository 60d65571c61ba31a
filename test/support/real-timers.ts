// Test files share their worker (vitest.config.ts: isolate: false). A file that ended with fake timers left on
// would stall the next file's servers and timeouts without any error of its own, so every file starts with
// real timers, and says so when a previous file did not restore them.
import { beforeAll, vi } from 'vitest';

beforeAll(() => {
  if (vi.isFakeTimers()) {
    console.warn('A previous test file in this worker left fake timers on: restoring real timers.');
    vi.useRealTimers();
  }
});
