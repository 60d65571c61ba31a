// A peer gateway for the benchmarks: Hive Gateway's runtime (@graphql-hive/gateway-runtime, a dev
// dependency) over the same supergraph and the same subgraphs. Hive Gateway routes by field ownership
// only, as every federation router does, so its `councils` subgraph is the councils proxy (which routes by
// council); `national` (answered inside Binfo's gateway) is not served. No caches, no telemetry.
//   tsx bench/servers/hive-gateway.ts --port N --directory URL --calendar URL --councils URL
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { projectPath } from '../../lib/project-path.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, directory: { type: 'string' }, calendar: { type: 'string' }, councils: { type: 'string' } } });
const urls: Record<string, string | undefined> = { directory: values.directory, calendar: values.calendar, councils: values.councils };
const supergraph = readFileSync(projectPath('supergraph.graphql'), 'utf8').replace(
  /@join__graph\(name: "(\w+)", url: "[^"]*"\)/g,
  (whole, name: string) => (urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : whole),
);
const gateway = createGatewayRuntime({ supergraph, logging: false, landingPage: false, graphqlEndpoint: '/graphql' });
const server = createServer(gateway);
server.listen(Number(values.port), '127.0.0.1', () => console.log(`READY hive gateway on ${values.port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
