// The council registry, live: councils.yaml is re-read when it changes (or on SIGHUP) and the endpoint
// map the router reads is updated in place, so no restart is needed. A new or moved endpoint is
// health-checked before it takes traffic; a failing one is refused with a log line and the council
// keeps its previous endpoint. Requests in flight keep the endpoint they already resolved.
import { unwatchFile, watchFile } from 'node:fs';
import type { CouncilRecord } from '../contracts/council.js';
import { readCouncilRegistryConfig, resolveCouncilEndpoints, type CouncilEndpoint } from './council-registry.js';

export type Log = (entry: Record<string, unknown>) => void;

export interface LiveCouncilRegistryOptions {
  path: string;
  councils: readonly CouncilRecord[];
  substitutions: Record<string, string>;
  /** The map the council router reads; updated in place. */
  endpoints: Map<string, CouncilEndpoint>;
  log?: Log;
  /** How a new endpoint is checked before it takes traffic. */
  healthCheck?: (endpoint: CouncilEndpoint) => Promise<void>;
}

export interface ReloadSummary {
  added: string[];
  moved: string[];
  removed: string[];
  refused: Array<{ code: string; url: string; reason: string }>;
}

/** A council endpoint is healthy when it answers `_service { sdl }` as a federation subgraph. */
export async function checkCouncilEndpoint(endpoint: CouncilEndpoint): Promise<void> {
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
    signal: AbortSignal.timeout(Math.max(endpoint.timeoutMs, 1000)),
  });
  if (!response.ok) throw new Error(`it answered HTTP ${response.status}`);
  const body = (await response.json().catch(() => null)) as { data?: { _service?: { sdl?: unknown } } } | null;
  if (typeof body?.data?._service?.sdl !== 'string') throw new Error('it did not answer `_service { sdl }` like a Binfo council subgraph');
}

export class LiveCouncilRegistry {
  private reloading: Promise<ReloadSummary> | null = null;
  private readonly log: Log;
  private readonly healthCheck: (endpoint: CouncilEndpoint) => Promise<void>;
  private watching = false;

  constructor(private readonly options: LiveCouncilRegistryOptions) {
    this.log = options.log ?? ((entry) => console.log(JSON.stringify(entry)));
    this.healthCheck = options.healthCheck ?? checkCouncilEndpoint;
  }

  /** Re-reads the file and applies the differences. Concurrent calls share one reload. */
  reload(): Promise<ReloadSummary> {
    this.reloading ??= this.apply().finally(() => (this.reloading = null));
    return this.reloading;
  }

  /** Polls the file's modification time (fs.watch misses editors that replace the file) and listens for SIGHUP. */
  watch(intervalMs = 1000): void {
    if (this.watching) return;
    this.watching = true;
    watchFile(this.options.path, { interval: intervalMs, persistent: false }, () => void this.reload().catch(() => {}));
    process.on('SIGHUP', this.onHangup);
  }

  close(): void {
    if (!this.watching) return;
    unwatchFile(this.options.path);
    process.off('SIGHUP', this.onHangup);
    this.watching = false;
  }

  private readonly onHangup = () => void this.reload().catch(() => {});

  private async apply(): Promise<ReloadSummary> {
    const summary: ReloadSummary = { added: [], moved: [], removed: [], refused: [] };
    let next: Map<string, CouncilEndpoint>;
    try {
      next = resolveCouncilEndpoints(readCouncilRegistryConfig(this.options.path), this.options.councils, this.options.substitutions, this.options.path);
    } catch (error) {
      // A broken file never takes councils away: keep serving the last good registry.
      this.log({ level: 'error', msg: 'council registry not reloaded: the file is invalid; keeping the current registry', error: (error as Error).message });
      throw error;
    }
    const current = this.options.endpoints;
    const checks = [...next.values()].map(async (endpoint) => {
      const existing = current.get(endpoint.code);
      if (existing && existing.url === endpoint.url) {
        current.set(endpoint.code, endpoint); // timeout or fallback changed: no health check needed
        return;
      }
      try {
        await this.healthCheck(endpoint);
        current.set(endpoint.code, endpoint);
        (existing ? summary.moved : summary.added).push(endpoint.code);
      } catch (error) {
        const reason = (error as Error).message;
        summary.refused.push({ code: endpoint.code, url: endpoint.url, reason });
        this.log({ level: 'warn', msg: `refused new endpoint for council ${endpoint.code}: ${endpoint.url} failed its health check (${reason}); ${existing ? `keeping ${existing.url}` : 'the council stays unconnected'}`, councilCode: endpoint.code, url: endpoint.url });
      }
    });
    await Promise.all(checks);
    for (const code of [...current.keys()]) {
      if (!next.has(code)) {
        current.delete(code);
        summary.removed.push(code);
      }
    }
    this.log({ level: 'info', msg: 'council registry reloaded', path: this.options.path, councils: current.size, added: summary.added, moved: summary.moved, removed: summary.removed, refused: summary.refused.map((r) => r.code) });
    return summary;
  }
}
