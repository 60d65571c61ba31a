// The binfo command's own words: each subcommand's --help, and what it says when the national graph is not
// there. Run from the bundled CLI (test/support/script-bundle.ts); one run goes through bin/binfo.js, the
// tsx wrapper a fresh clone uses, so that stays covered.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatewayClient, GraphUnreachableError } from '../../cli/export/gateway-client.js';
import { listen } from '../../lib/http/listen.js';
import { projectPath } from '../../lib/project-path.js';
import { runScript } from '../support/script-bundle.js';

const binfo = (...args: string[]) => runScript('cli/binfo.ts', args);

/** A URL on 127.0.0.1 where nothing listens: a port that was just open and is now closed. */
async function closedUrl(): Promise<string> {
  const server = await listen((_req, res) => void res.end());
  await server.close();
  return `${server.url}/graphql`;
}

describe('binfo <command> --help', () => {
  const usages = {
    check: ['--council', '--postcode', '--json'],
    compose: ['--config', '--registry'],
    export: ['--url', '--format', '--out', '--collections', '--from', '--to', '--postcodes-per-council', '--councils'],
  };

  for (const [command, options] of Object.entries(usages)) {
    it(`${command} --help prints its usage, each option on its own line and an example, and exits 0`, async () => {
      for (const flag of ['--help', '-h']) {
        const { code, stdout, stderr } = await binfo(command, flag);
        expect(stderr).toBe('');
        expect(code).toBe(0);
        expect(stdout).toMatch(new RegExp(`^Usage: binfo ${command}\\b`));
        for (const option of options) expect(stdout, option).toMatch(new RegExp(`^ +${option}\\b.*\\S`, 'm'));
        expect(stdout).toMatch(new RegExp(`^Examples?:\\n +binfo ${command} `, 'm'));
      }
    });
  }

  it('wins over other options, so a half-typed command still shows its help', async () => {
    const { code, stdout } = await binfo('export', '--format', 'sqlite', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: binfo export/);
  });

  it('works through bin/binfo.js, the wrapper `npx binfo` runs', async () => {
    const result = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, ['bin/binfo.js', '--help'], { cwd: projectPath(), timeout: 30_000 }, (error, stdout) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout }),
      ),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/binfo <command> --help/);
  }, 40_000);
});

describe('binfo export with no national graph at --url', () => {
  const advice = (url: string) => `Could not reach the national graph at ${url}`;

  it('names the URL and says what to do, as CSV and as a SQLite snapshot', async () => {
    const url = await closedUrl();
    const out = join(mkdtempSync(join(tmpdir(), 'binfo-unreachable-')), 'national.sqlite');
    for (const args of [['export', '--url', url], ['export', '--format', 'sqlite', '--out', out, '--url', url]]) {
      const { code, stderr } = await binfo(...args);
      expect(code, args.join(' ')).toBe(1);
      expect(stderr).toContain(advice(url));
      expect(stderr).toMatch(/is `npm start` running\? Use --url to point elsewhere\./);
      expect(stderr).not.toMatch(/^binfo: fetch failed$/m);
    }
  });

  it('is a GraphUnreachableError from the snapshot client, a timeout is not', async () => {
    const url = await closedUrl();
    const refused = gatewayClient(url)('{ __typename }');
    await expect(refused).rejects.toThrow(GraphUnreachableError);
    await expect(refused).rejects.toThrow(`${advice(url)} (ECONNREFUSED): is \`npm start\` running? Use --url to point elsewhere.`);

    const silent = await listen(() => undefined);
    try {
      const slow = gatewayClient(`${silent.url}/graphql`, { timeoutMs: 50 })('{ __typename }');
      await expect(slow).rejects.toThrow();
      await expect(slow).rejects.not.toThrow(GraphUnreachableError);
    } finally {
      await silent.close();
    }
  });
});
