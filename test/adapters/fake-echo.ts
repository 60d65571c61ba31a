// A fake Echo back office on 127.0.0.1, answering from test/fixtures/adapters/echo/uprn-<UPRN>.json.
// Each UPRN can be told to misbehave, to test timeouts, failures and stale data.
import { readFileSync } from 'node:fs';
import { FIXTURES, startFakeServer, type FakeServer } from './support.js';

export type EchoBehaviour = 'ok' | 'fail' | 'hang' | 'wrong-shape' | 'no-service-units' | 'no-services';

export interface FakeEcho extends FakeServer {
  behaviour: Map<string, EchoBehaviour>;
  /** Requests for one UPRN so far. */
  hits(uprn: string): number;
}

const ROUTE = /^\/api\/properties\/(\d+)\/service-units\?from=(\d{4}-\d{2}-\d{2})&to=(\d{4}-\d{2}-\d{2})$/;

export async function startFakeEcho(): Promise<FakeEcho> {
  const behaviour = new Map<string, EchoBehaviour>();
  const server = await startFakeServer((req, res) => {
    const match = ROUTE.exec(req.url ?? '');
    if (!match) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
      return;
    }
    const uprn = match[1];
    switch (behaviour.get(uprn) ?? 'ok') {
      case 'hang':
        return; // never answers: the adapter's timeout must end the wait
      case 'fail':
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('Service Unavailable');
        return;
      case 'wrong-shape':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ServiceUnits: [{ ServiceName: 42 }] }));
        return;
      case 'no-service-units': // a front end that lost Echo's structure: no ServiceUnits at all
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ Result: 'OK' }));
        return;
      case 'no-services': // the right shape, with nothing in it
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ServiceUnits: [] }));
        return;
      case 'ok': {
        let body: string;
        try {
          body = readFileSync(`${FIXTURES}echo/uprn-${uprn}.json`, 'utf8');
        } catch {
          body = JSON.stringify({ ServiceUnits: [] });
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      }
    }
  });
  return { ...server, behaviour, hits: (uprn) => server.requests.filter((r) => r.url.includes(`/properties/${uprn}/`)).length };
}
