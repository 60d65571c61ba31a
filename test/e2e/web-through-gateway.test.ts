// The bin-day page and calendar feeds served by the gateway itself (npm start), not a test server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { gql } from '../support/graphql-client.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ port: 0 });
});
afterAll(async () => stack?.close());

describe('the gateway serves residents directly', () => {
  it('answers a postcode on the bin-day page, then an address, then its calendar feed', async () => {
    const home = await fetch(`${stack.gateway.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    expect(await home.text()).toMatch(/<label[^>]*for="postcode"/);

    const list = await (await fetch(`${stack.gateway.url}/?postcode=rg1+1aa`)).text();
    const first = /\/address\/E06000038\/(\d+)|value="E06000038\/(\d+)"/.exec(list);
    expect(first).not.toBeNull();
    const uprn = first![1] ?? first![2];

    const address = await fetch(`${stack.gateway.url}/address/E06000038/${uprn}`);
    expect(address.status).toBe(200);
    const page = await address.text();
    expect(page).toMatch(/sample/i);
    expect(page).toMatch(/RG1 1AA/);

    const feed = await fetch(`${stack.gateway.url}/calendar/E06000038/${uprn}.ics`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/text\/calendar/);
    const ics = await feed.text();
    const graph = await gql(stack.gateway.graphqlUrl, `query($u: ID!) { property(councilCode: "E06000038", uprn: $u) { nextCollections { date } } }`, { u: uprn });
    for (const { date } of graph.data.property.nextCollections) expect(ics).toContain(`DTSTART;VALUE=DATE:${date.replaceAll('-', '')}`);
  });

  it('still serves the national graph and health checks next to the pages', async () => {
    expect((await fetch(`${stack.gateway.url}/health`)).status).toBe(200);
    // Metrics are for operators only (a token or a listener of their own): not next to the pages.
    expect((await fetch(`${stack.gateway.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${stack.gateway.url}/no-such-page`)).status).toBe(404);
  });
});
