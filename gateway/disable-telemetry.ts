// Binfo never phones home. This module must be imported before @apollo/gateway or @apollo/server load,
// because they read these variables when their modules are evaluated.
process.env.APOLLO_TELEMETRY_DISABLED = '1';
// Apollo's usage and schema reporting only run with a key; make sure none leaks in from the environment.
delete process.env.APOLLO_KEY;
delete process.env.APOLLO_GRAPH_REF;

export const TELEMETRY_DISABLED = true;
