// Binfo never phones home. Imported first by every entry point, so these are set before any ApolloGateway
// or ApolloServer is constructed: @apollo/gateway reads APOLLO_TELEMETRY_DISABLED in its constructor, and
// Apollo's usage and schema reporting only start when a key is present.
process.env.APOLLO_TELEMETRY_DISABLED = '1';
delete process.env.APOLLO_KEY;
delete process.env.APOLLO_GRAPH_REF;

export const TELEMETRY_DISABLED = true;
