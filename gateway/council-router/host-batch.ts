// One request per council host. When several councils are served by one host (the embedded default, or a
// supplier hosting many councils; the registry's `hostUrl`), the parts of one gateway fetch that are bound
// for that host go as one request carrying every council's representations, and the host answers each
// council as itself (subgraphs/council/host-batch.ts).
//
// Everything else stays per council: each council's part still runs under its own breaker, retry policy,
// deadline, cache and checks, exactly as if it had been sent alone; only the transport is shared. The parts
// of one fetch sent in the same tick go together (scheduled as DataLoader schedules its batches); a part
// retried later simply goes in the next batch. A host that fails fails each of its parts with the same reason.
// Each part still waits no longer than its own deadline, but a batch keeps one timer for all its parts (set for
// the earliest deadline not yet passed), not an AbortController and a timer per council.
import type { CouncilEndpoint } from '../council-registry.js';
import type { Clock } from '../resilience/clock.js';
import type { Deadline } from '../resilience/deadline.js';
import { CouncilFailure, type CouncilAnswer, type CouncilRequest, type CouncilTransport } from './council-http.js';

/** A council's part of a host batch: its request without a signal (the batch has one), and its deadline. */
export type HostPartRequest = Omit<CouncilRequest, 'signal'>;

interface HostPart {
  endpoint: CouncilEndpoint;
  request: HostPartRequest;
  deadline: Deadline;
  settled: boolean;
  resolve(answer: CouncilAnswer): void;
  reject(failure: CouncilFailure): void;
}

interface EntitiesPayload {
  query: string;
  operationName?: string;
  variables: Record<string, unknown> & { representations: unknown[] };
}

/** After the promise jobs of this tick, as DataLoader schedules a batch: every part sent in the tick goes. */
const afterThisTick = (job: () => void) => void Promise.resolve().then(() => process.nextTick(job));

/** The host batches of one gateway fetch (one query text and variables): one queue per host URL. */
export class HostBatches {
  private readonly queued = new Map<string, HostPart[]>();

  constructor(
    private readonly transport: CouncilTransport,
    private readonly clock: Clock,
  ) {}

  /** Sends one council's part through its host's batch; resolves with that council's part of the answer. */
  send(batchUrl: string, endpoint: CouncilEndpoint, request: HostPartRequest, deadline: Deadline): Promise<CouncilAnswer> {
    if (deadline.remainingMs() <= 0) return Promise.reject(timedOut(request));
    return new Promise<CouncilAnswer>((resolve, reject) => {
      let parts = this.queued.get(batchUrl);
      if (!parts) {
        this.queued.set(batchUrl, (parts = []));
        afterThisTick(() => {
          this.queued.delete(batchUrl);
          void this.sendBatch(batchUrl, parts!);
        });
      }
      parts.push({ endpoint, request, deadline, settled: false, resolve, reject });
    });
  }

  private async sendBatch(batchUrl: string, parts: readonly HostPart[]): Promise<void> {
    const payloads = parts.map((part) => part.request.payload as EntitiesPayload);
    const counts = payloads.map((payload) => payload.variables.representations.length);
    const lastEnd = Math.max(...parts.map((part) => part.deadline.endsAt));
    const timeoutMs = Math.max(1, lastEnd - this.clock.now());
    // The host's answer may be as large as all its councils' answers together.
    const maxResponseBytes = parts.reduce((sum, part) => sum + part.request.maxResponseBytes, 0);
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** Times out each part whose deadline has passed; the request itself is aborted once no part waits for it. */
    const watch = () => {
      const now = this.clock.now();
      let next = Infinity;
      for (const part of parts) {
        if (part.settled) continue;
        if (part.deadline.endsAt <= now) settle(part, timedOut(part.request));
        else next = Math.min(next, part.deadline.endsAt);
      }
      if (next === Infinity) {
        controller.abort(new DOMException('No council of the batch waits any longer.', 'TimeoutError'));
        return;
      }
      timer = setTimeout(watch, Math.max(1, next - now));
      timer.unref?.();
    };
    watch();
    const host: CouncilEndpoint = { code: 'host', name: 'council host', url: batchUrl, fallbackUrl: batchUrl, timeoutMs };
    try {
      const answer = await this.transport.send(host, {
        payload: {
          query: payloads[0].query,
          operationName: payloads[0].operationName,
          variables: { ...payloads[0].variables, representations: payloads.flatMap((payload) => payload.variables.representations) },
        },
        requestId: parts[0].request.requestId,
        signal: controller.signal,
        timeoutMs,
        maxResponseBytes,
      });
      splitHostAnswer(answer, counts).forEach((result, i) => settle(parts[i], result));
    } catch (error) {
      const failure = error instanceof CouncilFailure ? error : new CouncilFailure('network', `the council host request failed (${String(error)})`, true);
      for (const part of parts) settle(part, failure);
    } finally {
      clearTimeout(timer);
    }
  }
}

function settle(part: HostPart, result: CouncilAnswer | CouncilFailure): void {
  if (part.settled) return;
  part.settled = true;
  if (result instanceof CouncilFailure) part.reject(result);
  else part.resolve(result);
}

function timedOut(request: HostPartRequest): CouncilFailure {
  return new CouncilFailure('timeout', `it did not answer within ${request.timeoutMs} ms`, false);
}

/**
 * Cuts a host's answer into each council's answer, as that council would have given it alone: its slice
 * of `_entities`, the errors that point into it (re-numbered), and any error about the whole answer.
 */
export function splitHostAnswer(answer: CouncilAnswer, counts: readonly number[]): Array<CouncilAnswer | CouncilFailure> {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const data = answer.body.data as { _entities?: unknown } | null | undefined;
  const entities = data?._entities;
  if (!Array.isArray(entities) || entities.length !== total) {
    const failure = new CouncilFailure('invalid_answer', `the council host did not answer one entity for each of the ${total} asked`, false);
    return counts.map(() => failure);
  }
  const starts: number[] = [];
  let start = 0;
  for (const count of counts) {
    starts.push(start);
    start += count;
  }
  const errorsOf: unknown[][] = counts.map(() => []);
  const rawErrors = answer.body.errors;
  for (const error of Array.isArray(rawErrors) ? rawErrors : []) {
    const path = (error as { path?: unknown } | null)?.path;
    const index = Array.isArray(path) && path[0] === '_entities' && Number.isInteger(path[1]) ? (path[1] as number) : undefined;
    const part = index === undefined ? -1 : starts.findIndex((first, i) => index >= first && index < first + counts[i]);
    if (part < 0) {
      for (const errors of errorsOf) errors.push(error); // about the whole answer: every council's
      continue;
    }
    errorsOf[part].push({ ...(error as object), path: ['_entities', index! - starts[part], ...(path as unknown[]).slice(2)] });
  }
  return counts.map((count, i) => ({
    status: answer.status,
    cacheControl: answer.cacheControl,
    body: {
      data: { _entities: entities.slice(starts[i], starts[i] + count) },
      ...(rawErrors !== undefined && !Array.isArray(rawErrors) ? { errors: rawErrors } : errorsOf[i].length ? { errors: errorsOf[i] } : {}),
    },
  }));
}
