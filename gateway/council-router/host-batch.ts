// One request per council host. When several councils are served by one host (the embedded default, or a
// supplier hosting many councils; the registry's `hostUrl`), the parts of one gateway fetch that are bound
// for that host go as one request carrying every council's representations, and the host answers each
// council as itself (subgraphs/council/host-batch.ts).
//
// Everything else stays per council: each council's part still runs under its own breaker, retry policy,
// deadline, cache and checks, exactly as if it had been sent alone; only the transport is shared. A DataLoader
// per fetch and host gathers the parts that are sent in the same tick; a part retried later simply goes in
// the next batch. A host that fails fails each of its parts with the same reason.
import DataLoader from 'dataloader';
import type { CouncilEndpoint } from '../council-registry.js';
import type { Clock } from '../resilience/clock.js';
import { Deadline } from '../resilience/deadline.js';
import { CouncilFailure, type CouncilAnswer, type CouncilRequest, type CouncilTransport } from './council-http.js';

interface HostPart {
  endpoint: CouncilEndpoint;
  request: CouncilRequest;
}

interface EntitiesPayload {
  query: string;
  operationName?: string;
  variables: Record<string, unknown> & { representations: unknown[] };
}

/** The host batches of one gateway fetch (one query text and variables): one DataLoader per host URL. */
export class HostBatches {
  private readonly loaders = new Map<string, DataLoader<HostPart, CouncilAnswer>>();

  constructor(
    private readonly transport: CouncilTransport,
    private readonly clock: Clock,
  ) {}

  /** Sends one council's part through its host's batch; resolves with that council's part of the answer. */
  send(batchUrl: string, endpoint: CouncilEndpoint, request: CouncilRequest): Promise<CouncilAnswer> {
    let loader = this.loaders.get(batchUrl);
    if (!loader) {
      loader = new DataLoader<HostPart, CouncilAnswer>((parts) => this.sendBatch(batchUrl, parts), { cache: false });
      this.loaders.set(batchUrl, loader);
    }
    return untilAborted(loader.load({ endpoint, request }), request);
  }

  private async sendBatch(batchUrl: string, parts: readonly HostPart[]): Promise<Array<CouncilAnswer | Error>> {
    const payloads = parts.map((part) => part.request.payload as EntitiesPayload);
    const counts = payloads.map((payload) => payload.variables.representations.length);
    const timeoutMs = Math.max(...parts.map((part) => part.request.timeoutMs));
    // The host's answer may be as large as all its councils' answers together.
    const maxResponseBytes = parts.reduce((sum, part) => sum + part.request.maxResponseBytes, 0);
    const deadline = new Deadline(timeoutMs, this.clock);
    const host: CouncilEndpoint = { code: 'host', name: 'council host', url: batchUrl, fallbackUrl: batchUrl, timeoutMs };
    try {
      const answer = await this.transport.send(host, {
        payload: {
          query: payloads[0].query,
          operationName: payloads[0].operationName,
          variables: { ...payloads[0].variables, representations: payloads.flatMap((payload) => payload.variables.representations) },
        },
        requestId: parts[0].request.requestId,
        signal: deadline.signal,
        timeoutMs,
        maxResponseBytes,
      });
      return splitHostAnswer(answer, counts);
    } catch (error) {
      const failure = error instanceof CouncilFailure ? error : new CouncilFailure('network', `the council host request failed (${String(error)})`, true);
      return parts.map(() => failure);
    } finally {
      deadline.done();
    }
  }
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

/** A council's part waits for its host no longer than its own deadline. */
function untilAborted(answer: Promise<CouncilAnswer>, request: CouncilRequest): Promise<CouncilAnswer> {
  const { signal } = request;
  const timeout = () => new CouncilFailure('timeout', `it did not answer within ${request.timeoutMs} ms`, false);
  if (signal.aborted) return Promise.reject(timeout());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(timeout());
    signal.addEventListener('abort', onAbort, { once: true });
    answer.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
