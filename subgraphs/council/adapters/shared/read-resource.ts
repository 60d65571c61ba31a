// Reads one published file: a local path (relative to the configuration that names it) or an
// http(s) URL. Every read has a timeout, so a council's slow web server cannot hold a refresh forever.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFileError } from './data-problem.js';

export interface ReadOptions {
  /** Relative paths (and `file:./x`) are resolved from here: the directory of the configuration file. */
  baseDir: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Resource {
  /** The resolved path or the URL: what error messages name. */
  name: string;
  text: string;
}

export const DEFAULT_READ_TIMEOUT_MS = 10_000;

export type Location = { kind: 'file'; path: string } | { kind: 'http'; url: string };

/** `https://…`, `file:///abs`, `file:./rel`, `./rel` or `/abs`. */
export function resolveLocation(location: string, baseDir: string): Location {
  if (/^https?:\/\//i.test(location)) return { kind: 'http', url: location };
  if (location.startsWith('file://')) return { kind: 'file', path: fileURLToPath(location) };
  // `file:./data/x.ics` is not a valid file URL, but it is what people write in configuration.
  const path = location.startsWith('file:') ? location.slice('file:'.length) : location;
  return { kind: 'file', path: isAbsolute(path) ? path : resolve(baseDir, path) };
}

export function locationName(location: string, baseDir: string): string {
  const resolved = resolveLocation(location, baseDir);
  return resolved.kind === 'file' ? resolved.path : resolved.url;
}

export async function readResource(location: string, options: ReadOptions): Promise<Resource> {
  const resolved = resolveLocation(location, options.baseDir);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  if (resolved.kind === 'file') {
    try {
      return { name: resolved.path, text: await readFile(resolved.path, { encoding: 'utf8', signal }) };
    } catch (error) {
      throw new DataFileError([{ file: resolved.path, message: `cannot be read: ${describe(error)}` }]);
    }
  }
  let response: Response;
  try {
    response = await fetch(resolved.url, { signal, headers: { accept: 'text/calendar, text/csv, application/json, */*' } });
  } catch (error) {
    throw new DataFileError([{ file: resolved.url, message: `cannot be fetched: ${describe(error)}` }]);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new DataFileError([{ file: resolved.url, message: `answered HTTP ${response.status}` }]);
  }
  return { name: resolved.url, text: await response.text() };
}

function describe(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out';
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
