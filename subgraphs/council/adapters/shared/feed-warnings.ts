// Problems found in a council's feed that the adapters worked around. None of them is silent: each
// is served in the data (`dataSource { warnings { code message round } }`), logged once, and counted,
// and each message says which date residents are shown instead.
import { Counter, Registry } from 'prom-client';
import type { DataSourceWarning } from '../../data-source.js';

/**
 * The stable warning codes of the standard (schema/README.md lists them). Clients and dashboards rely
 * on these strings: never rename one; add new ones.
 */
export const FEED_WARNING_CODES = {
  /** A "changed collection" one-off beside a regular date its rule does not exclude: the changed date is shown, the regular one dropped. */
  CHANGED_COLLECTION_WITHOUT_EXCLUSION: 'CHANGED_COLLECTION_WITHOUT_EXCLUSION',
  /** A "changed collection" with no regular date near it to replace: shown as an extra collection. */
  UNPAIRED_CHANGED_COLLECTION: 'UNPAIRED_CHANGED_COLLECTION',
  /** Feed entries that match no configured service: left out. */
  UNKNOWN_SERVICE: 'UNKNOWN_SERVICE',
  /** An answer without the expected structure: the last good data is served (stale), else an error. */
  WRONG_SHAPE: 'WRONG_SHAPE',
  /** A property that had collections now gets none: the last good data is served (stale). */
  SCHEDULE_EMPTIED: 'SCHEDULE_EMPTIED',
} as const;
export type FeedWarningCode = keyof typeof FEED_WARNING_CODES;

/** A DataSourceWarning with one of the known codes. */
export interface FeedWarning extends DataSourceWarning {
  code: FeedWarningCode;
}

function keyOf(councilCode: string, warning: DataSourceWarning): string {
  return `${councilCode}\u0000${warning.code}\u0000${warning.round ?? ''}\u0000${warning.uprn ?? ''}\u0000${warning.message}`;
}

export interface FeedWarningReporterOptions {
  /** Where `binfo_council_feed_warnings_total` is registered; a host merges it into its /metrics. */
  registry?: Registry;
  log?: (entry: Record<string, unknown>) => void;
  /** Distinct warnings remembered (to log and count each once); beyond it the memory starts afresh. */
  maxRemembered?: number;
}

/**
 * Logs and counts each distinct warning once, however many loads or requests see it again: the
 * counter measures problems found, not how often a feed was read.
 */
export class FeedWarningReporter {
  readonly registry: Registry;
  private readonly counter: Counter<'council' | 'code'>;
  private readonly seen = new Set<string>();

  constructor(private readonly options: FeedWarningReporterOptions = {}) {
    this.registry = options.registry ?? new Registry();
    const existing = this.registry.getSingleMetric('binfo_council_feed_warnings_total');
    this.counter =
      (existing as Counter<'council' | 'code'> | undefined) ??
      new Counter({
        name: 'binfo_council_feed_warnings_total',
        help: 'Distinct problems found in adapted councils\' feeds, by council and warning code (schema/README.md lists the codes).',
        labelNames: ['council', 'code'],
        registers: [this.registry],
      });
  }

  report(councilCode: string, warnings: readonly DataSourceWarning[]): void {
    for (const warning of warnings) {
      const key = keyOf(councilCode, warning);
      if (this.seen.has(key)) continue;
      if (this.seen.size >= (this.options.maxRemembered ?? 10_000)) this.seen.clear();
      this.seen.add(key);
      this.counter.inc({ council: councilCode, code: warning.code });
      this.options.log?.({ level: 'warn', msg: 'council feed warning', council: councilCode, code: warning.code, round: warning.round, uprn: warning.uprn ?? undefined, warning: warning.message });
    }
  }

  /** Current count for one council and code (tests, health pages). */
  async count(councilCode: string, code: string): Promise<number> {
    const metric = await this.counter.get();
    return metric.values.find((v) => v.labels.council === councilCode && v.labels.code === code)?.value ?? 0;
  }
}
