// An acknowledged write survives the host being killed outright: the council host runs as a child
// process, answers 201, is sent SIGKILL at once (no shutdown code runs), and is started again on the
// same database. SIGKILL proves we answer only after the commit; synchronous = FULL (checked in
// disruption-store.test.ts) extends that to power loss, which a test cannot simulate.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CouncilTokens } from '../../subgraphs/council/disruptions/council-tokens.js';
import { DisruptionStore } from '../../subgraphs/council/disruptions/disruption-store.js';
import { gql } from '../support/graphql-client.js';
import { bundledScript } from '../support/script-bundle.js';

const READING = 'E06000038';
const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
const children = new Set<ChildProcess>();

interface HostProcess {
  child: ChildProcess;
  url: string;
}

/** Starts test/support/council-host-process.ts and resolves once it prints READY <url>. */
async function startHostProcess(dbPath: string): Promise<HostProcess> {
  // `node <bundle>` runs the server in this very process, so SIGKILL reaches the server itself.
  const script = await bundledScript('test/support/council-host-process.ts');
  const child = spawn(process.execPath, [script, '--db', dbPath, '--port', '0'], {
    cwd: PROJECT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`host process not ready after 30 s\n${stderr}`)), 30_000);
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const ready = /^READY (\S+)$/m.exec(stdout);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, url: ready[1] });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`host process exited (${code ?? signal}) before it was ready\n${stderr}`));
    });
  });
}

function killHard(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    child.once('exit', (_code, signal) => resolve(signal));
    child.kill('SIGKILL');
  });
}

async function send(method: string, url: string, token: string, body?: unknown) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

let dir: string;
let dbPath: string;
let token: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-crash-'));
  dbPath = join(dir, 'disruptions.sqlite');
  const tokens = CouncilTokens.open(dbPath); // another process issues the token, as scripts/council-token.ts does
  token = tokens.issueToken(READING);
  tokens.close();
});

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('a council host killed right after acknowledging writes', () => {
  it('has every acknowledged write when it starts again', async () => {
    const first = await startHostProcess(dbPath);
    const disruptions = `${first.url}/councils/${READING}/disruptions`;
    const posted = await send('POST', disruptions, token, {
      title: 'Snow: collections cancelled',
      reason: 'SEVERE_WEATHER',
      area: { postcodes: ['RG1'] },
      effect: 'cancelled',
      startsOn: '2026-12-01',
      endsOn: '2026-12-02',
    });
    expect(posted.status).toBe(201);
    const edited = await send('PATCH', `${disruptions}/${posted.body.disruption.id}`, token, { serviceTypes: ['FOOD_WASTE'] });
    expect(edited.status).toBe(200);
    const strike = await send('POST', disruptions, token, { title: 'Strike', reason: 'INDUSTRIAL_ACTION', area: 'council', effect: 'leave-out', startsOn: '2026-12-08' });
    expect(strike.status).toBe(201);
    // No pause, no graceful shutdown: the process dies the instant the last answer arrived.
    expect(await killHard(first.child)).toBe('SIGKILL');

    // Another process (this one) reads the file the dead host left behind, WAL and all.
    const reader = DisruptionStore.open(dbPath);
    try {
      expect(reader.list(READING).map((d) => d.id)).toEqual([strike.body.disruption.id, posted.body.disruption.id]);
    } finally {
      reader.close();
    }

    const second = await startHostProcess(dbPath);
    try {
      const listed = await fetch(`${second.url}/councils/${READING}/disruptions`).then((r) => r.json() as Promise<any>);
      expect(listed.disruptions).toEqual([strike.body.disruption, edited.body.disruption]);

      const result = await gql(
        `${second.url}/councils/${READING}/graphql`,
        `query($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on Property { collections(from: "2026-12-01", to: "2026-12-08") { date status service { type } disruption { id title } } } } }`,
        { representations: [{ __typename: 'Property', councilCode: READING, uprn: '100000000001' }] },
      );
      expect(result.errors).toBeUndefined();
      const collections = result.data._entities[0].collections.map((c: any) => [c.date, c.service.type, c.status, c.disruption?.title ?? null]);
      expect(collections).toEqual([
        ['2026-12-01', 'FOOD_WASTE', 'CANCELLED', 'Snow: collections cancelled'],
        ['2026-12-08', 'FOOD_WASTE', 'DELAYED', 'Strike'],
        ['2026-12-08', 'GENERAL_WASTE', 'DELAYED', 'Strike'],
      ]);
      // The token issued before either start still works after the crash.
      expect((await send('DELETE', `${second.url}/councils/${READING}/disruptions/${strike.body.disruption.id}`, token)).status).toBe(200);
    } finally {
      await killHard(second.child);
    }
  });
});
