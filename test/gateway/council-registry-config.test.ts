import { describe, expect, it } from 'vitest';
import { resolveCouncilEndpoints, validateCouncilRegistryConfig } from '../../gateway/council-registry.js';
import { loadCouncilRegistry } from '../../subgraphs/directory/council-registry.js';

const councils = loadCouncilRegistry().all();

describe('the council registry file', () => {
  it('gives every waste-collecting council an endpoint from the default template, and none to counties', () => {
    const config = validateCouncilRegistryConfig({ defaults: { url: '{councilHost}/councils/{code}/graphql' } }, 'councils.yaml');
    const endpoints = resolveCouncilEndpoints(config, councils, { councilHost: 'http://127.0.0.1:9' });
    expect(endpoints.size).toBe(councils.filter((c) => c.collectsWaste).length);
    expect(endpoints.get('E06000038')).toMatchObject({ url: 'http://127.0.0.1:9/councils/E06000038/graphql', timeoutMs: 2000 });
    expect(endpoints.get('E06000038')!.fallbackUrl).toMatch(/reading\.gov\.uk/);
    expect(endpoints.has('E10000024')).toBe(false); // Nottinghamshire County Council
  });

  it('lets one council publish its own endpoint with its own timeout', () => {
    const config = validateCouncilRegistryConfig(
      { defaults: { url: '{councilHost}/councils/{code}/graphql' }, councils: [{ code: 'E06000038', url: 'https://bins.example.invalid/graphql', timeoutMs: 800 }] },
      'councils.yaml',
    );
    const endpoints = resolveCouncilEndpoints(config, councils, { councilHost: 'http://127.0.0.1:9' });
    expect(endpoints.get('E06000038')).toMatchObject({ url: 'https://bins.example.invalid/graphql', timeoutMs: 800 });
  });

  it('says which councils share a host (hostUrl), and not for a council that has an endpoint of its own', () => {
    const config = validateCouncilRegistryConfig(
      {
        defaults: { url: '{councilHost}/councils/{code}/graphql', hostUrl: '{councilHost}/councils/graphql' },
        councils: [
          { code: 'E06000038', url: 'https://bins.example.invalid/graphql' },
          { code: 'E06000023', url: 'https://supplier.example.invalid/bristol/graphql', hostUrl: 'https://supplier.example.invalid/graphql' },
        ],
      },
      'councils.yaml',
    );
    const endpoints = resolveCouncilEndpoints(config, councils, { councilHost: 'http://127.0.0.1:9' });
    expect(endpoints.get('E06000041')!.sharedHost).toEqual({ batchUrl: 'http://127.0.0.1:9/councils/graphql', councilUrl: 'http://127.0.0.1:9/councils/E06000041/graphql' });
    expect(endpoints.get('E06000038')!.sharedHost).toBeUndefined();
    expect(endpoints.get('E06000023')!.sharedHost).toEqual({ batchUrl: 'https://supplier.example.invalid/graphql', councilUrl: 'https://supplier.example.invalid/bristol/graphql' });
  });

  it.each([
    [{ councils: [{ code: 'READING', url: 'https://x.invalid' }] }, /councils\.yaml: councils\.0\.code \(council READING\): must be a GSS code/],
    [{ councils: [{ code: 'E06000038', url: 'not a url' }] }, /councils\.yaml: councils\.0\.url \(council E06000038\)/],
    [{ defaults: { timeoutMs: 5 } }, /councils\.yaml: defaults\.timeoutMs/],
    [{ councils: [{ code: 'E06000038', url: 'https://x.invalid', colour: 'red' }] }, /councils\.yaml: councils\.0 \(council E06000038\): .*colour/i],
  ])('refuses a bad entry with the file, entry and field: %j', (raw, message) => {
    expect(() => validateCouncilRegistryConfig(raw, 'councils.yaml')).toThrow(message);
  });

  it('refuses an entry for a council that does not collect waste', () => {
    const config = validateCouncilRegistryConfig({ councils: [{ code: 'E10000024', url: 'https://x.invalid/graphql' }] }, 'councils.yaml');
    expect(() => resolveCouncilEndpoints(config, councils, {}, 'councils.yaml')).toThrow(/councils\.yaml: E10000024 .*does not collect household waste/);
  });
});
