// A council host with disruptions, as a child process a test can kill outright:
//   node --import tsx test/support/council-host-process.ts --db <path> [--port 0] [--webhook-backoff-ms <ms>]
// Serves one fixture council (Reading, E06000038, postcode RG1 1AA) and prints `READY <url>` once listening.
// Spawn it with `node` (on its bundle, test/support/script-bundle.ts, or with `--import tsx`) rather than
// `npx tsx`: tsx's CLI runs the script in a second process, so a SIGKILL sent to it would leave the real
// server running.
import { parseArgs } from 'node:util';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { startCouncilHostWithDisruptions } from '../../subgraphs/council/disruptions/run-council-host.js';
import { FixtureCouncilSource } from './fixture-council-source.js';

const { values } = parseArgs({ options: { db: { type: 'string' }, port: { type: 'string', default: '0' }, 'webhook-backoff-ms': { type: 'string' } } });
if (!values.db) {
  console.error('Usage: council-host-process.ts --db <path> [--port <port>]');
  process.exit(2);
}

const reading = new FixtureCouncilSource({ councilCode: 'E06000038', label: 'Reading-fixture', postcode: 'RG1 1AA', bankHolidays: loadShippedBankHolidays() });
const running = await startCouncilHostWithDisruptions({
  sources: [reading],
  dbPath: values.db,
  port: Number(values.port),
  log: (entry) => console.error(JSON.stringify(entry)),
  // A test's short retry delays; the host's defaults otherwise.
  webhooks: values['webhook-backoff-ms'] ? { backoffBaseMs: Number(values['webhook-backoff-ms']), backoffCapMs: Number(values['webhook-backoff-ms']) } : {},
});
console.log(`READY ${running.host.url}`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    running.close().then(() => process.exit(0), () => process.exit(1));
  });
}
