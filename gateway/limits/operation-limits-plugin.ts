// Every check of a client's operation that can be made before it runs, inside Apollo Server's pipeline once
// the document is parsed and valid (its size already bounded by the parser's token limit, see token-limit.ts):
// 1. depth and aliases (OPERATION_TOO_LARGE);
// 2. inputs: Dates, list lengths, collection ranges (BAD_USER_INPUT);
// 3. the estimated cost (OPERATION_TOO_COSTLY).
// (An operation the read graph cannot run at all is refused before these, by read-graph-operations.ts.)
// Each refusal is HTTP 400 with a code and a sentence, and no council has been asked. The document's part of
// this work is cached (plugins/operation-analysis.ts); a request pays only for reading its variables.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { todayInLondon } from '../../domain/dates.js';
import type { IsoDate } from '../../domain/types.js';
import { checkInputs } from '../plugins/input-checks.js';
import { OperationAnalyses } from '../plugins/operation-analysis.js';
import type { CouncilOwnership } from './council-ownership.js';
import { operationCost, operationTooCostly } from './operation-cost.js';
import { operationTooLarge, type OperationLimits } from './operation-limits.js';

export interface OperationChecksOptions {
  /** Which fields councils answer (from the supergraph): needed for the cost estimate. */
  ownership: CouncilOwnership;
  /** The councils the gateway can ask now; read per request, as the registry can change. */
  councilCount: () => number;
  /** Today in the UK (injected for tests). */
  today?: () => IsoDate;
}

export function operationLimitsPlugin(limits: OperationLimits, options: OperationChecksOptions): ApolloServerPlugin<BaseContext> {
  const listBound = (coordinate: string) => limits.listLengths[coordinate] ?? limits.maxListLength;
  const analyses = new OperationAnalyses({ ownership: options.ownership, listBound });
  const today = options.today ?? (() => todayInLondon(new Date()));
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema, queryHash }) {
          // readGraphOperationsPlugin refuses a missing operation, a mutation and a subscription.
          if (!operation || operation.operation !== 'query') return;
          const analysis = analyses.get(schema, queryHash, document, operation);
          const { size } = analysis;
          if (size.depth > limits.maxDepth) {
            throw operationTooLarge(`The operation nests ${size.depth} fields deep; at most ${limits.maxDepth} are allowed.`, limits.maxDepth);
          }
          if (size.aliases > limits.maxAliases) {
            throw operationTooLarge(`The operation uses ${size.aliases} aliases; at most ${limits.maxAliases} are allowed.`, limits.maxAliases);
          }
          if (analysis.inputs.refusal) throw analysis.inputs.refusal;
          const provided = request.variables ?? {};
          const variables = { ...analysis.variableDefaults, ...provided };
          const inputRefusal = checkInputs(analysis.inputs, provided, variables, today, listBound);
          if (inputRefusal) throw inputRefusal;
          const cost = operationCost(analysis.cost, variables, { councilCount: options.councilCount(), today: today() });
          if (cost.total > limits.maxOperationCost) throw operationTooCostly(cost, limits.maxOperationCost);
        },
      };
    },
  };
}
