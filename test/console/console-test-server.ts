// The console's pages on 127.0.0.1 with a fake sign-in: a session is the cookie `session=<name>` of one
// of the people below, its CSRF token `csrf-<name>`. The pages are what is tested here; sign-in has its own tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ASSET_PREFIX, handleAsset } from '../../lib/web/assets.js';
import { consoleRoutes } from '../../subgraphs/council/console/index.js';
import type { ConsoleAuth, ConsolePerson, ConsoleRole, ConsoleSession } from '../../subgraphs/council/console/console-person.js';
import { DisruptionStore, openDisruptionsDatabase } from '../../subgraphs/council/disruptions/disruption-store.js';
import { OTHER_COUNCIL, SMALL_COUNCIL, SmallCouncilSource } from './small-council.js';

const person = (accountId: string, councilCode: string, name: string, roles: ConsoleRole[]): ConsolePerson => ({
  accountId,
  councilCode,
  name,
  email: `${accountId}@council.invalid`,
  roles: new Set(roles),
});

export const PEOPLE = {
  publisher: person('pat', SMALL_COUNCIL, 'Pat Publisher', ['editor', 'publisher']),
  editor: person('eddie', SMALL_COUNCIL, 'Eddie Editor', ['editor']),
  stranger: person('olive', OTHER_COUNCIL, 'Olive Otherton', ['editor', 'publisher']),
};
export type PersonName = keyof typeof PEOPLE;

export const fakeAuth: ConsoleAuth = {
  sessionOf(req) {
    const name = /(?:^|;\s*)session=([a-z]+)/.exec(req.headers.cookie ?? '')?.[1] as PersonName | undefined;
    return name && PEOPLE[name] ? { person: PEOPLE[name], csrfToken: `csrf-${name}` } : null;
  },
  csrfMatches: (session: ConsoleSession, submitted) => submitted === session.csrfToken,
};

export interface ConsoleTestServer {
  url: string;
  store: DisruptionStore;
  clock: { now: Date };
  /** GET as a person; redirects are not followed. */
  get(path: string, as?: PersonName): Promise<Response>;
  /** POST a form as a person, with their CSRF token unless `csrf` says otherwise. */
  post(path: string, fields: Record<string, string | string[]>, as?: PersonName, csrf?: string | null): Promise<Response>;
  close(): Promise<void>;
}

export async function startConsoleTestServer(options: { now?: Date } = {}): Promise<ConsoleTestServer> {
  const store = new DisruptionStore(openDisruptionsDatabase(':memory:'), true);
  // Monday 16 November 2026, 08:00 London: a recycling Monday in small-council.ts.
  const clock = { now: options.now ?? new Date('2026-11-16T08:00:00Z') };
  const routes = consoleRoutes({
    store,
    sources: [new SmallCouncilSource(SMALL_COUNCIL), new SmallCouncilSource(OTHER_COUNCIL)],
    auth: fakeAuth,
    councilName: (code) => (code === SMALL_COUNCIL ? 'Smalltown Council' : code === OTHER_COUNCIL ? 'Otherton Council' : undefined),
    now: () => clock.now,
  });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith(ASSET_PREFIX)) return handleAsset(req, res, url);
    routes(req, res, url).then(
      (handled) => {
        if (!handled) res.writeHead(404).end();
      },
      (error) => {
        res.writeHead(500).end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cookie = (as?: PersonName): Record<string, string> => (as ? { cookie: `session=${as}` } : {});
  return {
    url,
    store,
    clock,
    get: (path, as) => fetch(url + path, { redirect: 'manual', headers: cookie(as) }),
    post: (path, fields, as, csrf) => {
      const body = new URLSearchParams();
      if (csrf !== null) body.append('csrf', csrf ?? `csrf-${as}`);
      for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
      return fetch(url + path, { method: 'POST', redirect: 'manual', headers: { ...cookie(as), 'content-type': 'application/x-www-form-urlencoded' }, body });
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
}
