// A page on another site calling the national graph from a real browser (Debian's Chromium through
// playwright-core): served from a second origin on 127.0.0.1 (another port), its own script calls /graphql
// with `fetch`, as a council's "My area" page would: a JSON POST (which needs a CORS preflight) and a plain
// GET. Both get data. The same page cannot write to the disruptions API, which has no CORS.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { silentLogger } from '../resilience/support/capture-logs.js';

const CHROMIUM = '/usr/bin/chromium';
const READING = 'E06000038';
const missing = !existsSync(CHROMIUM);
const MISSING_MESSAGE = `Chromium is not installed at ${CHROMIUM}. Install Debian's package (apt-get update && apt-get install -y chromium) to run the browser tests.`;
if (missing && !process.env.CI) console.warn(`Skipping browser-cross-origin.test.ts: ${MISSING_MESSAGE}`);

/** The other site's page: its script calls the graph and writes what it got into #result. */
function page(graphqlUrl: string, disruptionsUrl: string): string {
  const query = `{ council(code: "${READING}") { code name } }`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>My area</title></head><body>
<pre id="result"></pre>
<script>
(async () => {
  const out = {};
  const body = (r) => r.json().then((json) => ({ status: r.status, json }));
  try {
    out.post = await fetch(${JSON.stringify(graphqlUrl)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: ${JSON.stringify(query)} }) }).then(body);
  } catch (error) { out.post = { failed: String(error) }; }
  try {
    out.get = await fetch(${JSON.stringify(graphqlUrl)} + '?query=' + encodeURIComponent(${JSON.stringify(query)})).then(body);
  } catch (error) { out.get = { failed: String(error) }; }
  try {
    out.write = await fetch(${JSON.stringify(disruptionsUrl)}, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer binfo_stolen' }, body: '{}' }).then(body);
  } catch (error) { out.write = { failed: String(error) }; }
  const result = document.getElementById('result');
  result.textContent = JSON.stringify(out);
  result.dataset.done = 'true';
})();
</script></body></html>`;
}

describe.skipIf(missing && !process.env.CI)('a page on another origin, in Chromium', { timeout: 60_000 }, () => {
  let stack: LocalStack;
  let site: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    if (missing) throw new Error(MISSING_MESSAGE);
    stack = await startLocalStack({ port: 0, gateway: { logger: silentLogger(), metrics: false } });
    const html = page(stack.gateway.graphqlUrl, `${stack.councilHost.url}/councils/${READING}/disruptions`);
    site = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await stack?.close();
  });

  it('gets data with fetch, by POST (after a preflight) and by GET, and cannot post a disruption', async () => {
    expect(new URL(site.url).origin).not.toBe(new URL(stack.gateway.graphqlUrl).origin);
    const tab = await browser.newPage();
    await tab.goto(site.url);
    await tab.waitForSelector('#result[data-done="true"]', { timeout: 30_000 });
    const out = JSON.parse((await tab.textContent('#result'))!);
    const council = { code: READING, name: 'Reading Borough Council' };
    // A cross-origin POST with content-type application/json is sent only after its preflight is allowed.
    expect(out.post).toEqual({ status: 200, json: { data: { council } } });
    expect(out.get).toEqual({ status: 200, json: { data: { council } } });
    // The browser blocked the write: no CORS on the disruptions API, so the page never sees an answer.
    expect(out.write.failed).toMatch(/TypeError/);
  });
});
