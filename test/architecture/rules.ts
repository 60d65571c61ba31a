// The architecture's "never" list (../shared/STYLE.md) as checks over source text. Each check returns
// the violations it found, each naming the file and line, so a failing test says exactly what to fix.
// The checks are plain functions over { path, text }, so test/architecture/rules.test.ts can prove each
// one fails on a small example written to break it.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-path.js';

export interface SourceFile {
  /** Relative to the project root, with forward slashes: "gateway/server.ts". */
  path: string;
  text: string;
}

export interface Violation {
  path: string;
  line: number;
  /** The offending source line, trimmed. */
  source: string;
  why: string;
}

/** Every .ts file under the given project folders (no node_modules, no declaration files). */
export function projectSources(...folders: string[]): SourceFile[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.name === 'node_modules' ? [] : entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [join(dir, entry.name)] : [],
    );
  return folders.flatMap((folder) => walk(join(PROJECT_ROOT, folder))).map((file) => ({ path: relative(PROJECT_ROOT, file).split(sep).join('/'), text: readFileSync(file, 'utf8') }));
}

/** One line per violation, "path:line: source  (why)": what a failing test prints. */
export function describeViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.path}:${v.line}: ${v.source}  (${v.why})`).join('\n');
}

/**
 * The text with comments blanked out (every character kept in place, so positions and line numbers still
 * match the original): a comment that
 * mentions `process.env` or `Date.now()` is not a read of either. Strings are kept as they are.
 */
export function withoutComments(text: string): string {
  let out = '';
  let i = 0;
  let quote: string | null = null;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (quote) {
      out += c;
      // A quote or apostrophe inside a regular expression literal is not a string: end it at the line.
      if (c === '\n' && quote !== '`') quote = null;
      else if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i++;
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
      out += c;
      i++;
    } else if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function violationAt(file: SourceFile, index: number, why: string): Violation {
  const line = lineAt(file.text, index);
  return { path: file.path, line, source: file.text.split('\n')[line - 1].trim(), why };
}

export interface ImportSite {
  specifier: string;
  /** For a relative specifier, the project path it points to ("subgraphs/directory/council-registry.js"). */
  target?: string;
  index: number;
}

/** Static imports, re-exports, `import type`, dynamic `import()` and `require()`, with where each is. */
export function importsOf(file: SourceFile): ImportSite[] {
  const code = withoutComments(file.text);
  const pattern = /\b(?:import|export)\s[^;'"`]*?\bfrom\s*(['"])([^'"]+)\1|\bimport\s*(['"])([^'"]+)\3|\b(?:import|require)\s*\(\s*(['"])([^'"]+)\5\s*\)/g;
  return [...code.matchAll(pattern)].map((match) => {
    const specifier = match[2] ?? match[4] ?? match[6];
    const target = specifier.startsWith('.') ? posix.normalize(posix.join(dirname(file.path), specifier)) : undefined;
    return { specifier, target, index: match.index };
  });
}

/** Imports matching a rule, as violations. */
export function forbiddenImports(files: readonly SourceFile[], forbidden: (site: ImportSite) => boolean, why: string): Violation[] {
  return files.flatMap((file) => importsOf(file).filter(forbidden).map((site) => violationAt(file, site.index, `${why}: imports "${site.specifier}"`)));
}

/** I/O, GraphQL and server packages the domain core must not import (a bare node builtin counts too). */
export const NOT_FOR_THE_DOMAIN =
  /^(node:|(fs|fs\/promises|path|http|https|http2|net|tls|dgram|dns|child_process|cluster|worker_threads|os|process|url|stream|zlib|crypto|readline)$|graphql|@apollo\/|dataloader|undici|ioredis|better-sqlite3|pino|prom-client|yaml$|ical-generator|cockatiel|lru-cache)/;

/** domain/ never imports GraphQL, @apollo/*, dataloader, HTTP, the filesystem or any other I/O module. */
export function domainImportViolations(files: readonly SourceFile[]): Violation[] {
  return forbiddenImports(
    files.filter((f) => f.path.startsWith('domain/')),
    (site) => NOT_FOR_THE_DOMAIN.test(site.specifier) || (site.target !== undefined && !site.target.startsWith('domain/')),
    'domain/ imports no I/O, GraphQL or server library, and nothing outside domain/',
  );
}

/** A folder that must never import another: `gateway/` and `subgraphs/`, `subgraphs/council/` and `gateway/`. */
export function layerViolations(files: readonly SourceFile[], from: string, mustNotImport: string): Violation[] {
  return forbiddenImports(
    files.filter((f) => f.path.startsWith(from)),
    (site) => site.target !== undefined && site.target.startsWith(mustNotImport),
    `${from} never imports ${mustNotImport}`,
  );
}

const ENVIRONMENT_READS: Array<[RegExp, string]> = [
  [/\bprocess\s*\.\s*env\b/g, 'reads process.env'],
  [/\bprocess\s*\[\s*['"`]env['"`]\s*\]/g, 'reads process.env'],
  [/\{[^{}]*\benv\b[^{}]*\}\s*=\s*(?:globalThis\.)?process\b/g, 'takes env out of process'],
  [/\bimport\s*\{[^}]*\benv\b[^}]*\}\s*from\s*['"](?:node:)?process['"]/g, 'imports env from node:process'],
];

export interface AllowedLine {
  path: string;
  /** The whole line, trimmed: an allowance moves with its line, and lapses when the line changes. */
  source: string;
}

/** Code that reads the environment, except the `allowed` lines (each with its reason where it is declared). */
export function environmentReads(files: readonly SourceFile[], allowed: readonly AllowedLine[] = []): Violation[] {
  return files.flatMap((file) => {
    const code = withoutComments(file.text);
    return ENVIRONMENT_READS.flatMap(([pattern, why]) => [...code.matchAll(pattern)].map((match) => violationAt(file, match.index, `${why}: configuration is read once at start (config/) and passed down`)));
  }).filter((v) => !allowed.some((a) => a.path === v.path && a.source === v.source));
}

const CLOCK_READS: Array<[RegExp, string]> = [
  [/\bDate\s*\.\s*now\b/g, 'Date.now'],
  [/\bnew\s+Date\s*\(\s*\)/g, 'new Date() without an argument'],
  [/\bnew\s+Date\s*(?![\s(])/g, 'new Date without an argument'],
  [/\bperformance\s*\.\s*now\b/g, 'performance.now'],
  [/\bprocess\s*\.\s*hrtime\b/g, 'process.hrtime'],
  [/\bprocess\s*\.\s*(?:argv|cwd)\b/g, 'process state (argv, cwd)'],
];

/** The domain core reads the clock (and process state) only through an argument. */
export function clockReads(files: readonly SourceFile[]): Violation[] {
  return files.flatMap((file) => {
    const code = withoutComments(file.text);
    return CLOCK_READS.flatMap(([pattern, what]) => [...code.matchAll(pattern)].map((match) => violationAt(file, match.index, `reads ${what}: take the time as an argument`)));
  });
}
