// npm run compose: validate supergraph.yaml, compose it with @apollo/composition and write supergraph.graphql.
import { COMPOSED_SUPERGRAPH, DEFAULT_SUPERGRAPH_CONFIG, writeComposedSupergraph } from '../gateway/supergraph.js';

const result = await writeComposedSupergraph(process.argv[2] ?? DEFAULT_SUPERGRAPH_CONFIG);
if (result.errors) {
  for (const error of result.errors) console.error(error);
  process.exit(1);
}
console.log(`Composed ${result.subgraphs.map((s) => s.name).join(', ')} into ${COMPOSED_SUPERGRAPH}`);
