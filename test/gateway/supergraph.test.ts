import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPOSED_SUPERGRAPH, composeSupergraph, loadSupergraph, supergraphInputsFingerprint } from '../../gateway/supergraph.js';
import { projectPath } from '../../lib/project-path.js';

describe('the committed supergraph', () => {
  it('is what supergraph.yaml composes to today (run `npm run compose` after changing schema/)', async () => {
    const fresh = await composeSupergraph();
    if (fresh.errors) throw new Error(fresh.errors.join('\n'));
    const committed = readFileSync(COMPOSED_SUPERGRAPH, 'utf8');
    expect(committed).toContain(`# binfo-inputs-sha256: ${supergraphInputsFingerprint()}`);
    expect(committed.split('\n').slice(2).join('\n').trim()).toBe(fresh.supergraphSdl.trim());
  });

  it('composes one logical councils subgraph, whatever the number of councils', async () => {
    const fresh = await composeSupergraph();
    if (fresh.errors) throw new Error(fresh.errors.join('\n'));
    expect(fresh.subgraphs.map((s) => s.name).sort()).toEqual(['calendar', 'councils', 'directory', 'national']);
  });
});

describe('composition errors name the file and the entry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'binfo-compose-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reports a schema file that does not exist', async () => {
    const config = write('missing.yaml', 'subgraphs:\n  directory:\n    routing_url: http://127.0.0.1:1/graphql\n    schema:\n      file: ./nope.graphql\n');
    const result = await composeSupergraph(config);
    expect(result.errors?.[0]).toMatch(/missing\.yaml: subgraphs\.directory: .*nope\.graphql/);
  });

  it('reports a malformed config', async () => {
    const config = write('bad.yaml', 'subgraphs:\n  councils:\n    schema: {}\n');
    const result = await composeSupergraph(config);
    expect(result.errors?.join('\n')).toMatch(/bad\.yaml: subgraphs\.councils\.routing_url/);
  });

  it('reports subgraphs that do not compose', async () => {
    const a = write('a.graphql', 'type Query { council: String }');
    const b = write('b.graphql', 'type Query { council: Int }');
    const config = write('clash.yaml', `subgraphs:\n  a:\n    routing_url: http://127.0.0.1:1/graphql\n    schema: { file: ${a} }\n  b:\n    routing_url: http://127.0.0.1:2/graphql\n    schema: { file: ${b} }\n`);
    const result = await composeSupergraph(config);
    expect(result.errors?.[0]).toMatch(/clash\.yaml: composition: /);
  });

  it('composes at start when the committed supergraph does not match its inputs', async () => {
    const stale = write('stale.graphql', '# binfo-inputs-sha256: ' + '0'.repeat(64) + '\nschema { query: Query }\n');
    const loaded = await loadSupergraph(projectPath('supergraph.yaml'), stale);
    expect(loaded.composedAtStart).toBe(true);
    expect(loaded.supergraphSdl).toContain('join__Graph');
  });
});
