// The host configuration: which councils a council host serves, each with its adapter and options.
// See subgraphs/council/adapters/README.md for the file format.
export { loadCouncilHostConfig, type HostConfigContext, type HostConfigResult } from './load-host-config.js';
export type { CouncilConfig, CsvCouncilConfig, EchoCouncilConfig, IcsCouncilConfig } from './config-schema.js';
