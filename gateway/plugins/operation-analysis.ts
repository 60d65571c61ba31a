// Everything the gateway checks in an operation before it runs, worked out once per document and operation:
// its depth and aliases, what its Dates, lists and ranges need from the variables, and its cost formula.
// Real clients send a few dozen distinct documents; each request then costs only reading its variables.
// Keyed by Apollo Server's hash of the query text and the operation name, in a bounded LRU per schema.
import { Kind, valueFromASTUntyped, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { measureOperation, type OperationSize } from '../limits/measure-operation.js';
import type { CouncilOwnership } from '../limits/council-ownership.js';
import { planOperationCost, type CostPlan } from '../limits/operation-cost.js';
import { planInputChecks, type InputCheckPlan, type ListBound, type Variables } from './input-checks.js';

export interface OperationAnalysis {
  size: OperationSize;
  inputs: InputCheckPlan;
  cost: CostPlan;
  /** The document's defaults of its variables, as values; a request's own values replace them. */
  variableDefaults: Variables;
}

export interface OperationAnalysesOptions {
  ownership: CouncilOwnership;
  listBound: ListBound;
  /** Distinct operations remembered (default 1,000: far more than real clients send). */
  maxEntries?: number;
}

export class OperationAnalyses {
  private readonly bySchema = new WeakMap<GraphQLSchema, LRUCache<string, OperationAnalysis>>();

  constructor(private readonly options: OperationAnalysesOptions) {}

  get(schema: GraphQLSchema, queryHash: string, document: DocumentNode, operation: OperationDefinitionNode): OperationAnalysis {
    let cache = this.bySchema.get(schema);
    if (!cache) {
      cache = new LRUCache({ max: this.options.maxEntries ?? 1000 });
      this.bySchema.set(schema, cache);
    }
    const key = `${queryHash}\u0000${operation.name?.value ?? ''}`;
    let analysis = cache.get(key);
    if (!analysis) {
      analysis = analyseOperation(schema, document, operation, this.options);
      cache.set(key, analysis);
    }
    return analysis;
  }
}

export function analyseOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  options: Pick<OperationAnalysesOptions, 'ownership' | 'listBound'>,
): OperationAnalysis {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const variableDefaults: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variableDefaults[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }
  return {
    size: measureOperation(document, operation),
    inputs: planInputChecks(schema, operation, fragments, variableDefaults, options.listBound),
    cost: planOperationCost(schema, operation, fragments, options.ownership),
    variableDefaults,
  };
}
