// One request for every council of a host. A host serving many councils (the embedded default, or a supplier
// hosting several) also answers at /councils/graphql: an `_entities` request whose representations belong to
// any of its councils. Isolation stays as at each council's own URL: the batch is split by the GSS code in
// each representation's key, and each council's part is executed as that council alone (its own context,
// its own data source), so a representation is only ever resolved as its own council. A representation of
// a council this host does not serve is null with an error (as its own URL would answer 404), so the gateway
// reports that council as unavailable rather than as knowing no such entity. The parts are put back in the order they were asked, with
// error paths re-numbered to the batch's indexes.
import { execute, parse, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { councilCodeOfRepresentation } from '../../contracts/council.js';
import type { CouncilRequestContext } from './subgraph.js';

export interface HostBatchRequest {
  query: string;
  operationName?: string;
  variables: Record<string, unknown> & { representations: unknown[] };
}

export interface HostBatchAnswer {
  status: number;
  body: { data?: { _entities: unknown[] } | null; errors?: GraphQLFormattedError[] };
}

/** Undefined when the body is not an `_entities` request this endpoint serves. */
export function hostBatchRequestOf(body: unknown): HostBatchRequest | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const { query, operationName, variables } = body as Record<string, unknown>;
  if (typeof query !== 'string' || variables === null || typeof variables !== 'object') return undefined;
  if (!Array.isArray((variables as { representations?: unknown }).representations)) return undefined;
  return { query, operationName: typeof operationName === 'string' ? operationName : undefined, variables: variables as HostBatchRequest['variables'] };
}

/**
 * The batch endpoint's documents, parsed and validated once per query text (the gateway sends a few
 * texts over and over): each council's part is then only executed, with graphql-js directly, rather than
 * run through Apollo Server's whole request pipeline 361 times.
 */
export class HostBatchDocuments {
  private readonly documents = new LRUCache<string, { document: DocumentNode } | { errors: GraphQLFormattedError[] }>({ max: 200 });

  constructor(readonly schema: GraphQLSchema) {}

  documentFor(query: string): { document: DocumentNode } | { errors: GraphQLFormattedError[] } {
    let entry = this.documents.get(query);
    if (!entry) {
      try {
        const document = parse(query, { maxTokens: 20_000 });
        const errors = validate(this.schema, document);
        entry = errors.length ? { errors: errors.map((e) => e.toJSON()) } : { document };
      } catch (error) {
        entry = { errors: [{ message: error instanceof Error ? error.message : 'The query could not be parsed.' }] };
      }
      this.documents.set(query, entry);
    }
    return entry;
  }
}

export async function answerHostBatch(
  documents: HostBatchDocuments,
  request: HostBatchRequest,
  contextFor: (councilCode: string) => Promise<CouncilRequestContext> | undefined,
): Promise<HostBatchAnswer> {
  const parsed = documents.documentFor(request.query);
  if ('errors' in parsed) return { status: 400, body: { errors: parsed.errors } };
  const { representations, ...variables } = request.variables;
  const parts = new Map<string, number[]>();
  representations.forEach((representation, index) => {
    const code = representation !== null && typeof representation === 'object' ? councilCodeOfRepresentation(representation as Record<string, unknown>) : undefined;
    if (!code) return;
    let indexes = parts.get(code);
    if (!indexes) parts.set(code, (indexes = []));
    indexes.push(index);
  });

  const entities: unknown[] = new Array(representations.length).fill(null);
  const errors: GraphQLFormattedError[] = [];
  const contexts = new Map([...parts.keys()].map((code) => [code, contextFor(code)]));
  const answers = await Promise.all(
    [...parts].map(async ([code, indexes]) => {
      const context = contexts.get(code);
      if (!context) return { indexes, result: undefined }; // not served here: see below
      const result = await execute({
        schema: documents.schema,
        document: parsed.document,
        operationName: request.operationName,
        variableValues: { ...variables, representations: indexes.map((i) => representations[i]) },
        contextValue: await context,
      });
      const errors = result.errors?.map((error) => error.toJSON());
      // Variables that do not fit the query: refused before execution, so no data at all.
      return { indexes, result: { data: result.data, errors }, status: result.data === undefined ? 400 : 200 };
    }),
  );
  for (const [code, indexes] of parts) {
    if (contexts.get(code)) continue;
    for (const index of indexes) errors.push({ message: `No council ${code} is served by this host.`, path: ['_entities', index], extensions: { code: 'COUNCIL_NOT_SERVED' } });
  }
  for (const { indexes, result, status } of answers) {
    if (!result) continue;
    // The query is the same for every part: if it is refused (parse, validation, variables), the whole batch is.
    if (result.data === undefined || (status ?? 200) >= 400) return { status: status ?? 400, body: { errors: result.errors ? [...result.errors] : [] } };
    const part = (result.data?._entities as unknown[] | undefined) ?? [];
    indexes.forEach((batchIndex, j) => (entities[batchIndex] = part[j] ?? null));
    for (const error of result.errors ?? []) {
      const local = error.path?.[0] === '_entities' && typeof error.path[1] === 'number' ? error.path[1] : undefined;
      // An error about a council's whole part is pinned to its first entity, so it stays that council's.
      const batchIndex = indexes[local ?? 0];
      errors.push({ ...error, path: ['_entities', batchIndex, ...(local === undefined ? [] : error.path!.slice(2))] });
    }
  }
  return { status: 200, body: { data: { _entities: entities }, ...(errors.length ? { errors } : {}) } };
}
