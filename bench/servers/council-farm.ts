// Every waste-collecting council behind its OWN endpoint (one port each), answering after a fixed
// latency, as ~360 real council services would. Writes a council registry pointing at them.
//   node --import tsx bench/servers/council-farm.ts --latency 20 --registry /tmp/councils.yaml
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { handleGraphQLRequest } from '../../lib/http/apollo-handler.js';
import { listen } from '../../lib/http/listen.js';
import { startSubgraphServer } from '../../lib/http/serve-schema.js';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { SampleCouncilSource } from '../../subgraphs/council/sample/sample-source.js';
import { councilSubgraphSchema, createCouncilRequestContext, type CouncilRequestContext } from '../../subgraphs/council/subgraph.js';
import { loadCouncilRegistry } from '../../subgraphs/directory/council-registry.js';
import { PostcodeIndex } from '../../subgraphs/directory/postcode-index.js';

const { values } = parseArgs({ options: { latency: { type: 'string', default: '20' }, registry: { type: 'string' } } });
const latencyMs = Number(values.latency);
const councils = loadCouncilRegistry().filter({ collectsWaste: true });
const postcodes = PostcodeIndex.load();
const bankHolidays = loadShippedBankHolidays();
const apollo = await startSubgraphServer<CouncilRequestContext>(councilSubgraphSchema());

const entries: string[] = [];
for (const council of councils) {
  const source = new SampleCouncilSource(council, postcodes, bankHolidays);
  const server = await listen(async (req, res) => {
    await new Promise((r) => setTimeout(r, latencyMs));
    await handleGraphQLRequest(apollo, req, res, async () => createCouncilRequestContext(source, null));
  });
  entries.push(`  - code: ${council.code}\n    url: ${server.url}/graphql\n    timeoutMs: 5000`);
}
if (values.registry) writeFileSync(values.registry, `defaults:\n  timeoutMs: 5000\ncouncils:\n${entries.join('\n')}\n`);
console.log(`READY ${councils.length} councils, ${latencyMs} ms latency each`);
