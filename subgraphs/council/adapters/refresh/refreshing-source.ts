// Keeps an adapted council current: re-reads its data on a schedule and on demand, and when a read
// fails keeps serving the last good data, saying how old it is (`updatedAt`) and that it is `stale`.
import type { Collection, Service } from '../../../../domain/types.js';
import type { CouncilDataSource, DataSourceInfo, DataSourceKind, DateRange, PropertyRecord } from '../../data-source.js';

export interface RefreshingSourceOptions {
  councilCode: string;
  kind: DataSourceKind;
  /** Reads the council's data afresh into a new source; throws when it cannot. */
  load: (signal: AbortSignal) => Promise<CouncilDataSource>;
  /** Re-read this often; absent or null only refreshes on demand. */
  everyMinutes?: number | null;
  /** Told about every failed scheduled refresh (the on-demand `refresh()` rejects instead). */
  onError?: (error: unknown) => void;
}

type State =
  | { phase: 'empty'; error: unknown }
  | { phase: 'serving'; current: CouncilDataSource; stale: boolean; error: unknown }
  | { phase: 'closed' };

export class RefreshingSource implements CouncilDataSource {
  readonly councilCode: string;
  private state: State = { phase: 'empty', error: null };
  private inFlight: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private readonly timer: NodeJS.Timeout | null;

  constructor(private readonly options: RefreshingSourceOptions) {
    this.councilCode = options.councilCode;
    const minutes = options.everyMinutes;
    this.timer =
      minutes && minutes > 0
        ? setInterval(() => this.refresh().catch((error) => options.onError?.(error)), minutes * 60_000)
        : null;
    // A refresh timer must never keep the process (or a test run) alive.
    this.timer?.unref();
  }

  /**
   * Reads the data now. Concurrent calls share one read. On failure the previous data stays in
   * service, marked stale, and the promise rejects with the reason.
   */
  refresh(): Promise<void> {
    if (this.state.phase === 'closed') return Promise.reject(new Error(`The ${this.councilCode} source is closed`));
    this.inFlight ??= this.read().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Why the last read failed, or null when it succeeded. */
  lastError(): unknown {
    return this.state.phase === 'closed' ? null : this.state.error;
  }

  info(): DataSourceInfo {
    if (this.state.phase !== 'serving') {
      return { kind: this.options.kind, notice: 'This council\'s data could not be read yet.', updatedAt: null, stale: true };
    }
    const inner = this.state.current.info();
    return { ...inner, stale: this.state.stale || inner.stale };
  }

  async services(): Promise<Service[]> {
    return this.current().services();
  }

  async propertiesInPostcode(postcode: string): Promise<PropertyRecord[]> {
    return this.current().propertiesInPostcode(postcode);
  }

  async propertiesByUprn(uprns: readonly string[]): Promise<(PropertyRecord | null)[]> {
    return this.current().propertiesByUprn(uprns);
  }

  async collections(property: PropertyRecord, range: DateRange): Promise<Collection[]> {
    return this.current().collections(property, range);
  }

  /** The served data's postcodes (for the console's counts); null when that data cannot list them (per-address feeds). */
  async councilPostcodes(within?: readonly string[]): Promise<string[] | null> {
    return (await this.current().councilPostcodes?.(within)) ?? null;
  }

  async roundIds(): Promise<string[] | null> {
    return (await this.current().roundIds?.()) ?? null;
  }

  /** The source being served (tests, checks); throws before the first good read. */
  current(): CouncilDataSource {
    if (this.state.phase === 'serving') return this.state.current;
    if (this.state.phase === 'closed') throw new Error(`The ${this.councilCode} source is closed`);
    const reason = this.state.error instanceof Error ? `: ${this.state.error.message}` : '';
    throw new Error(`The ${this.councilCode} data has not been read yet${reason}`);
  }

  /** Stops the schedule and any read in progress. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    const previous = this.state;
    this.state = { phase: 'closed' };
    if (previous.phase === 'serving') await closeIfClosable(previous.current);
  }

  private async read(): Promise<void> {
    let next: CouncilDataSource;
    try {
      next = await this.options.load(this.abort.signal);
    } catch (error) {
      if (this.state.phase === 'serving') this.state = { ...this.state, stale: true, error };
      else if (this.state.phase === 'empty') this.state = { phase: 'empty', error };
      throw error;
    }
    if (this.state.phase === 'closed') {
      await closeIfClosable(next);
      return;
    }
    const previous = this.state.phase === 'serving' ? this.state.current : null;
    this.state = { phase: 'serving', current: next, stale: false, error: null };
    if (previous && previous !== next) await closeIfClosable(previous);
  }
}

async function closeIfClosable(source: CouncilDataSource): Promise<void> {
  const closable = source as CouncilDataSource & { close?: () => Promise<void> | void };
  if (typeof closable.close === 'function') await closable.close();
}
