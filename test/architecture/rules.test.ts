// Each architecture check fails on code written to break its rule, naming the file and line, and passes
// the code that keeps it: so a green architecture test means the rule holds, not that the check is blind.
import { describe, expect, it } from 'vitest';
import { clockReads, describeViolations, domainImportViolations, environmentReads, importsOf, layerViolations, withoutComments, type SourceFile } from './rules.js';

const file = (path: string, ...lines: string[]): SourceFile => ({ path, text: lines.join('\n') });

describe('the import checks', () => {
  it('find static, type-only, side-effect, dynamic, re-exported and multi-line imports', () => {
    const source = file(
      'gateway/x.ts',
      "import { a } from '../subgraphs/a.js';",
      "import type { B } from '../subgraphs/b.js';",
      "import '../subgraphs/c.js';",
      "const d = await import('../subgraphs/d.js');",
      "export { e } from '../subgraphs/e.js';",
      'import {',
      '  f,',
      "} from '../subgraphs/f.js';",
      "const g = require('../subgraphs/g.js');",
    );
    expect(importsOf(source).map((site) => site.target)).toEqual(['subgraphs/a.js', 'subgraphs/b.js', 'subgraphs/c.js', 'subgraphs/d.js', 'subgraphs/e.js', 'subgraphs/f.js', 'subgraphs/g.js']);
  });

  it('ignore an import written in a comment', () => {
    expect(importsOf(file('gateway/x.ts', "// import { a } from '../subgraphs/a.js';", "/* import '../subgraphs/b.js' */"))).toEqual([]);
  });

  it('name the file and line of a gateway module importing subgraphs/', () => {
    const violations = layerViolations([file('gateway/web/page.ts', "import { z } from 'zod';", "import type { CouncilRecord } from '../../subgraphs/directory/council-registry.js';")], 'gateway/', 'subgraphs/');
    expect(describeViolations(violations)).toBe(
      "gateway/web/page.ts:2: import type { CouncilRecord } from '../../subgraphs/directory/council-registry.js';  (gateway/ never imports subgraphs/: imports \"../../subgraphs/directory/council-registry.js\")",
    );
  });

  it('catch the council kit importing gateway/, and let it import contracts/', () => {
    const files = [file('subgraphs/council/host.ts', "import { ErrorCode } from '../../schema/error-codes.js';", "import { parsePostcode } from '../../contracts/postcode.js';", "import { maskError } from '../../gateway/server.js';")];
    expect(layerViolations(files, 'subgraphs/council/', 'gateway/').map((v) => `${v.path}:${v.line}`)).toEqual(['subgraphs/council/host.ts:3']);
  });

  it('count a sibling folder with a shared prefix as another folder only when it is one', () => {
    // "subgraphs/council-extras/" is not "subgraphs/council/": the prefix check includes the slash.
    const files = [file('subgraphs/council-extras/x.ts', "import '../../gateway/server.js';")];
    expect(layerViolations(files, 'subgraphs/council/', 'gateway/')).toEqual([]);
  });

  it.each([
    ['graphql', "import { parse } from 'graphql';"],
    ['@apollo/*', "import { ApolloServer } from '@apollo/server';"],
    ['dataloader', "import DataLoader from 'dataloader';"],
    ['node:fs', "import { readFileSync } from 'node:fs';"],
    ['bare fs', "import fs from 'fs';"],
    ['http', "import { request } from 'node:http';"],
    ['undici', "import { fetch } from 'undici';"],
    ['a module outside domain/', "import { listen } from '../../lib/http/listen.js';"],
  ])('catch domain/ importing %s', (_what, line) => {
    const violations = domainImportViolations([file('domain/schedule/x.ts', "import { addDays } from '../dates.js';", line)]);
    expect(violations.map((v) => `${v.path}:${v.line}`)).toEqual(['domain/schedule/x.ts:2']);
  });

  it('let domain/ import domain/ and its pure libraries', () => {
    expect(domainImportViolations([file('domain/schedule/x.ts', "import { addDays } from '../dates.js';", "import rrulePackage from 'rrule';", "import { z } from 'zod';")])).toEqual([]);
  });
});

describe('the environment check', () => {
  it.each([
    ['process.env.X', 'const port = process.env.PORT;'],
    ['process.env[name]', 'const value = process.env[name];'],
    ["process['env']", "const env = process['env'];"],
    ['destructuring', 'const { env } = process;'],
    ['node:process', "import { env } from 'node:process';"],
    ['a default argument', 'export function f(level = process.env.LOG_LEVEL) {}'],
  ])('catches %s, naming the file and line', (_what, line) => {
    const violations = environmentReads([file('lib/x.ts', '// Reads nothing at import.', line)]);
    expect(violations.length).toBeGreaterThan(0);
    expect(describeViolations(violations)).toContain(`lib/x.ts:2: ${line}`);
  });

  it('ignores process.env in a comment', () => {
    expect(environmentReads([file('lib/x.ts', '// npm start passes process.env.PORT as an option', '/* process.env */ export const a = 1;')])).toEqual([]);
  });

  it('allows exactly the allowed line, and only in its file', () => {
    const allowed = [{ path: 'gateway/disable-telemetry.ts', source: "process.env.APOLLO_TELEMETRY_DISABLED = '1';" }];
    const files = [
      file('gateway/disable-telemetry.ts', "process.env.APOLLO_TELEMETRY_DISABLED = '1';", 'const sneaky = process.env.BINFO_CACHE;'),
      file('gateway/other.ts', "process.env.APOLLO_TELEMETRY_DISABLED = '1';"),
    ];
    expect(environmentReads(files, allowed).map((v) => `${v.path}:${v.line}`)).toEqual(['gateway/disable-telemetry.ts:2', 'gateway/other.ts:1']);
  });
});

describe('the clock check', () => {
  it.each([
    ['Date.now()', 'const t = Date.now();'],
    ['Date.now passed on as a clock', 'const clock = { now: Date.now };'],
    ['new Date()', 'const today = new Date();'],
    ['new Date as a default argument', 'export function today(now: Date = new Date()) { return now; }'],
    ['new Date without parentheses', 'const d = new Date;'],
    ['performance.now()', 'const t = performance.now();'],
    ['process.hrtime', 'const t = process.hrtime.bigint();'],
  ])('catches %s, naming the file and line', (_what, line) => {
    const violations = clockReads([file('domain/x.ts', '', line)]);
    expect(violations.map((v) => `${v.path}:${v.line}`)).toEqual(['domain/x.ts:2']);
  });

  it('lets the domain make dates from what it is given', () => {
    expect(clockReads([file('domain/x.ts', 'const d = new Date(Date.UTC(2026, 0, 1));', 'const e = new Date(`${iso}T00:00:00Z`);', '// never Date.now()')])).toEqual([]);
  });
});

describe('comment removal', () => {
  it('keeps line numbers and strings, and blanks comments', () => {
    const text = "const a = '// not a comment';\n/* one\n two */ const b = 1; // gone\nconst c = /['\"]/;\n// after a regular expression";
    const cleaned = withoutComments(text);
    expect(cleaned.split('\n')).toHaveLength(5);
    expect(cleaned).toContain("'// not a comment'");
    expect(cleaned).not.toContain('gone');
    expect(cleaned).not.toContain('after a regular expression');
  });
});
