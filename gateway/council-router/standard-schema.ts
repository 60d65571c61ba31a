// The standard's council schema (schema/council.graphql), as the router checks every council answer against
// it. Built once, on first use: only the types matter here, so no resolvers.
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { projectPath } from '../../lib/project-path.js';

let standard: GraphQLSchema | undefined;

export function councilStandardSchema(): GraphQLSchema {
  standard ??= buildSubgraphSchema({ typeDefs: parse(readFileSync(projectPath('schema', 'council.graphql'), 'utf8')) });
  return standard;
}
