// The one data source behind the logical `councils` subgraph. Federation routes by field ownership, so
// every council-owned field plans to "councils"; this data source then routes by data: it splits each
// `_entities` batch by the GSS code in the entity keys and sends each part to that council's own endpoint,
// one request per council per fetch, and reassembles the answer in the gateway's order.
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Agent, request as httpRequest } from 'undici';
import { ErrorCode } from '../../schema/error-codes.js';
import type { CouncilEndpoint } from '../council-registry.js';
import {
  mergeCouncilResults,
  partitionByCouncil,
  type CouncilBatch,
  type CouncilBatchResult,
  type GraphQLErrorShape,
  type Representation,
} from './partition.js';

export interface CouncilEndpointLookup {
  endpoint(code: string): CouncilEndpoint | undefined;
  /** Name and fallback link of a council that has no endpoint (so the error can still help the resident). */
  describe(code: string): { name: string; fallbackUrl: string; collectsWaste: boolean } | undefined;
}

export interface CouncilRouterOptions {
  /** Largest council response accepted; a bigger one is refused with an error naming the council. */
  maxResponseBytes?: number;
  /** Called once per council request, for metrics and tests. */
  onCouncilRequest?: (event: { councilCode: string; durationMs: number; ok: boolean; reason?: string }) => void;
}

class CouncilFailure extends Error {}

export class CouncilRouterDataSource implements GraphQLDataSource {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 32, pipelining: 1 });
  private readonly maxResponseBytes: number;

  constructor(
    private readonly councils: CouncilEndpointLookup,
    private readonly options: CouncilRouterOptions = {},
  ) {
    this.maxResponseBytes = options.maxResponseBytes ?? 5 * 1024 * 1024;
  }

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const representations = request.variables?.representations;
    if (!Array.isArray(representations)) {
      // The standard has no council root fields, so only `_entities` fetches can reach here.
      return { errors: [{ message: 'The councils subgraph is reached only through entities.', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] as never };
    }
    const partition = partitionByCouncil(representations as Representation[]);
    const requestId = headerOf(options, 'x-request-id');
    const results = await Promise.all(partition.batches.map((batch) => this.fetchBatch(batch, request.query!, request.variables!, request.operationName, requestId)));
    const merged = mergeCouncilResults(representations.length, results);
    for (const index of partition.unroutable) {
      merged.errors.push({ message: 'An entity was requested without a council code in its key.', path: ['_entities', index], extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
    }
    return { data: { _entities: merged.entities }, errors: merged.errors.length ? (merged.errors as never) : undefined };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async fetchBatch(
    batch: CouncilBatch,
    query: string,
    variables: Record<string, unknown>,
    operationName: string | undefined,
    requestId: string | undefined,
  ): Promise<CouncilBatchResult> {
    const endpoint = this.councils.endpoint(batch.councilCode);
    if (!endpoint) return this.withoutEndpoint(batch);
    const started = performance.now();
    try {
      const body = await this.post(endpoint, { query, operationName, variables: { ...variables, representations: batch.representations } }, requestId);
      const entities = checkedEntities(body, batch.representations.length, endpoint);
      this.options.onCouncilRequest?.({ councilCode: endpoint.code, durationMs: performance.now() - started, ok: true });
      return { ok: true, batch, entities, errors: Array.isArray(body.errors) ? (body.errors as GraphQLErrorShape[]) : [] };
    } catch (error) {
      const reason = describeFailure(error, endpoint);
      this.options.onCouncilRequest?.({ councilCode: endpoint.code, durationMs: performance.now() - started, ok: false, reason });
      return { ok: false, batch, error: (index) => unavailable(endpoint.code, endpoint.name, endpoint.fallbackUrl, reason, index) };
    }
  }

  private withoutEndpoint(batch: CouncilBatch): CouncilBatchResult {
    const council = this.councils.describe(batch.councilCode);
    // Counties and unknown codes own no bin data: their council fields are simply null.
    if (!council?.collectsWaste) return { ok: true, batch, entities: batch.representations.map(() => null), errors: [] };
    return {
      ok: false,
      batch,
      error: (index) => ({
        message: `${council.name} has not connected its bin-collection data to Binfo yet. Check ${council.fallbackUrl}`,
        path: ['_entities', index],
        extensions: { code: ErrorCode.COUNCIL_NOT_CONNECTED, councilCode: batch.councilCode, fallbackUrl: council.fallbackUrl },
      }),
    };
  }

  private async post(endpoint: CouncilEndpoint, payload: unknown, requestId: string | undefined): Promise<Record<string, unknown>> {
    const response = await httpRequest(endpoint.url, {
      method: 'POST',
      dispatcher: this.agent,
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(requestId ? { 'x-request-id': requestId } : {}),
      },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
      headersTimeout: endpoint.timeoutMs,
      bodyTimeout: endpoint.timeoutMs,
    });
    const declared = Number(response.headers['content-length']);
    if (declared > this.maxResponseBytes) {
      response.body.destroy();
      throw new CouncilFailure(`its response of ${declared} bytes is over the ${this.maxResponseBytes}-byte limit`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > this.maxResponseBytes) {
        response.body.destroy();
        throw new CouncilFailure(`its response is over the ${this.maxResponseBytes}-byte limit`);
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CouncilFailure(`it answered HTTP ${response.statusCode} with a body that is not JSON`);
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new CouncilFailure(`it answered HTTP ${response.statusCode} with JSON that is not a GraphQL response`);
    }
    if (response.statusCode >= 500 || !('data' in body)) {
      throw new CouncilFailure(`it answered HTTP ${response.statusCode}${firstErrorMessage(body)}`);
    }
    return body as Record<string, unknown>;
  }
}

function checkedEntities(body: Record<string, unknown>, expected: number, endpoint: CouncilEndpoint): unknown[] {
  const data = body.data as { _entities?: unknown } | null;
  const entities = data?._entities;
  if (data === null && Array.isArray(body.errors)) {
    // A council may refuse the whole batch (e.g. a bad Date argument); keep its errors, null its entities.
    return new Array(expected).fill(null);
  }
  if (!Array.isArray(entities)) throw new CouncilFailure('its answer has no _entities list');
  if (entities.length !== expected) throw new CouncilFailure(`it returned ${entities.length} entities for ${expected} asked`);
  for (const entity of entities) {
    if (entity !== null && (typeof entity !== 'object' || Array.isArray(entity))) throw new CouncilFailure('it returned an entity that is not an object');
  }
  void endpoint;
  return entities;
}

function firstErrorMessage(body: object): string {
  const errors = (body as { errors?: Array<{ message?: unknown }> }).errors;
  const message = Array.isArray(errors) ? errors[0]?.message : undefined;
  return typeof message === 'string' ? `: ${message.slice(0, 200)}` : '';
}

function describeFailure(error: unknown, endpoint: CouncilEndpoint): string {
  if (error instanceof CouncilFailure) return error.message;
  const name = (error as { name?: string }).name;
  const code = (error as { code?: string }).code;
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return `it did not answer within ${endpoint.timeoutMs} ms`;
  }
  if (code === 'ECONNREFUSED') return 'its service refused the connection';
  return `the request failed (${code ?? name ?? 'unknown error'})`;
}

export function unavailable(councilCode: string, name: string, fallbackUrl: string, reason: string, index: number): GraphQLErrorShape {
  return {
    message: `${name}'s bin-collection service is unavailable: ${reason}. Check ${fallbackUrl}`,
    path: ['_entities', index],
    extensions: { code: ErrorCode.COUNCIL_UNAVAILABLE, councilCode, fallbackUrl },
  };
}

function headerOf(options: GraphQLDataSourceProcessOptions, name: string): string | undefined {
  if (!('incomingRequestContext' in options)) return undefined;
  return options.incomingRequestContext.request.http?.headers.get(name) ?? undefined;
}
