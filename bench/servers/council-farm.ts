// Every waste-collecting council behind its OWN endpoint (one port each), answering after a fixed
// latency, as ~360 real council services would. Writes a council registry pointing at them.
//   node --import tsx bench/servers/council-farm.ts --latency 20 --registry /tmp/councils.yaml [--replay]
//
// --replay: each council computes its answer to a given request body once (with the real council kit and
// sample data) and replays those bytes, after the same latency, to the same body later. Real councils run on
// their own machines; this farm runs ~361 of them in one process on the gateway's own cores, so without
// --replay a fan-out also measures the simulated councils' CPU (about as much as the gateway's, see
// bench/results-after.json). Answers with errors are never replayed.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { HeaderMap } from '@apollo/server';
import { handleGraphQLRequest, readBody } from '../../lib/http/apollo-handler.js';
import { listen } from '../../lib/http/listen.js';
import { startSubgraphServer } from '../../lib/http/serve-schema.js';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { SampleCouncilSource } from '../../subgraphs/council/sample/sample-source.js';
import { councilSubgraphSchema, createCouncilRequestContext, type CouncilRequestContext } from '../../subgraphs/council/subgraph.js';
import { loadCouncilRegistry } from '../../subgraphs/directory/council-registry.js';
import { PostcodeIndex } from '../../subgraphs/directory/postcode-index.js';

const { values } = parseArgs({ options: { latency: { type: 'string', default: '20' }, registry: { type: 'string' }, replay: { type: 'boolean', default: false } } });
const latencyMs = Number(values.latency);
const councils = loadCouncilRegistry().filter({ collectsWaste: true });
const postcodes = PostcodeIndex.load();
const bankHolidays = loadShippedBankHolidays();
const apollo = await startSubgraphServer<CouncilRequestContext>(councilSubgraphSchema());
const sleep = () => new Promise((r) => setTimeout(r, latencyMs));

const entries: string[] = [];
for (const council of councils) {
  const source = new SampleCouncilSource(council, postcodes, bankHolidays);
  const replays = new Map<string, { status: number; headers: Record<string, string>; body: string }>();
  const server = await listen(async (req, res) => {
    if (!values.replay || req.method !== 'POST') {
      await sleep();
      return handleGraphQLRequest(apollo, req, res, async () => createCouncilRequestContext(source, null));
    }
    const text = await readBody(req, 5_000_000);
    await sleep();
    let answer = replays.get(text);
    if (!answer) {
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'POST', headers, search: '', body: JSON.parse(text) },
        context: async () => createCouncilRequestContext(source, null),
      });
      if (response.body.kind !== 'complete') throw new Error('expected a complete answer');
      answer = { status: response.status ?? 200, headers: Object.fromEntries(response.headers), body: response.body.string };
      if (answer.status === 200 && !JSON.parse(answer.body).errors) replays.set(text, answer);
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
  entries.push(`  - code: ${council.code}\n    url: ${server.url}/graphql\n    timeoutMs: 5000`);
}
if (values.registry) writeFileSync(values.registry, `defaults:\n  timeoutMs: 5000\ncouncils:\n${entries.join('\n')}\n`);
console.log(`READY ${councils.length} councils, ${latencyMs} ms latency each${values.replay ? ', replaying answers' : ''}`);
