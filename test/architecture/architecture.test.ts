// The architecture's "never" list (../shared/STYLE.md), checked on the code as it is. Each failure names
// the file and line to fix. test/architecture/rules.test.ts shows that each check can fail.
import { describe, expect, it } from 'vitest';
import { clockReads, describeViolations, domainImportViolations, environmentReads, layerViolations, projectSources, type AllowedLine } from './rules.js';

/** Everything that is library code: all but scripts/, bench/ and test/ (the start-up code and its tools). */
const LIBRARY = ['config', 'contracts', 'domain', 'gateway', 'subgraphs', 'lib', 'schema', 'stack', 'cli'];
const sources = projectSources(...LIBRARY);

/**
 * The only lines of library code that may touch the environment: @apollo/gateway reads
 * APOLLO_TELEMETRY_DISABLED in its constructor and reports usage when APOLLO_KEY is set, so they are
 * switched off in the environment before it loads, by the module every entry point imports first.
 */
const ALLOWED_ENVIRONMENT: AllowedLine[] = [
  { path: 'gateway/disable-telemetry.ts', source: "process.env.APOLLO_TELEMETRY_DISABLED = '1';" },
  { path: 'gateway/disable-telemetry.ts', source: 'delete process.env.APOLLO_KEY;' },
  { path: 'gateway/disable-telemetry.ts', source: 'delete process.env.APOLLO_GRAPH_REF;' },
];

const expectNone = (violations: ReturnType<typeof clockReads>) => expect(describeViolations(violations)).toBe('');

describe('the architecture', () => {
  it('reads every library folder (a moved folder must not empty a rule)', () => {
    for (const folder of LIBRARY) expect(sources.some((f) => f.path.startsWith(`${folder}/`)), folder).toBe(true);
  });

  it('domain/ imports no GraphQL, @apollo/*, dataloader, HTTP, filesystem or other I/O module', () => {
    expectNone(domainImportViolations(sources));
  });

  it('domain/ reads no clock and no process state, except through an argument', () => {
    expectNone(clockReads(sources.filter((f) => f.path.startsWith('domain/'))));
  });

  it('domain/ reads no environment', () => {
    expectNone(environmentReads(sources.filter((f) => f.path.startsWith('domain/'))));
  });

  it('gateway/ never imports subgraphs/ (shared contracts live in contracts/, schema/ and domain/)', () => {
    expectNone(layerViolations(sources, 'gateway/', 'subgraphs/'));
  });

  it('the council kit (subgraphs/council/) never imports gateway/', () => {
    expectNone(layerViolations(sources, 'subgraphs/council/', 'gateway/'));
  });

  it('the council kit never imports another subgraph: what it shares with the directory is in contracts/', () => {
    expectNone([...layerViolations(sources, 'subgraphs/council/', 'subgraphs/directory/'), ...layerViolations(sources, 'subgraphs/council/', 'subgraphs/calendar/')]);
  });

  it('the shared modules (contracts/, schema/, lib/) import neither side', () => {
    for (const shared of ['contracts/', 'schema/', 'lib/']) {
      expectNone([...layerViolations(sources, shared, 'gateway/'), ...layerViolations(sources, shared, 'subgraphs/')]);
    }
  });

  it('no library module reads process.env: configuration is read once at start (config/) and passed down', () => {
    expectNone(environmentReads(sources, ALLOWED_ENVIRONMENT));
  });

  it('still has each allowed environment line (an allowance whose line is gone must be removed)', () => {
    for (const allowed of ALLOWED_ENVIRONMENT) {
      const file = sources.find((f) => f.path === allowed.path);
      expect(file?.text.split('\n').some((line) => line.trim() === allowed.source), `${allowed.path}: ${allowed.source}`).toBe(true);
    }
  });
});
