// Enforces depth and aliases inside Apollo Server's request pipeline, once the document is parsed and valid
// (its size already bounded by the parser's token limit, see token-limit.ts). Each refusal is a 400 with
// extensions.code OPERATION_TOO_LARGE and the limit that was passed.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { measureOperation } from './measure-operation.js';
import { operationTooLarge, type OperationLimits } from './operation-limits.js';

export function operationLimitsPlugin(limits: OperationLimits): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation }) {
          if (!operation) return; // Apollo Server itself refuses a document without the named operation.
          const size = measureOperation(document, operation);
          if (size.depth > limits.maxDepth) {
            throw operationTooLarge(`The operation nests ${size.depth} fields deep; at most ${limits.maxDepth} are allowed.`, limits.maxDepth);
          }
          if (size.aliases > limits.maxAliases) {
            throw operationTooLarge(`The operation uses ${size.aliases} aliases; at most ${limits.maxAliases} are allowed.`, limits.maxAliases);
          }
        },
      };
    },
  };
}
