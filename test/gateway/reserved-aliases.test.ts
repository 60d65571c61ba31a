// Which names the alias rule keeps for the gateway: every entity's key fields, read from the supergraph itself.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keyFieldsOf } from '../../gateway/limits/reserved-aliases.js';
import { projectPath } from '../../lib/project-path.js';

describe('the key fields of the national graph', () => {
  it('are read from every @key of the supergraph', () => {
    const keys = keyFieldsOf(readFileSync(projectPath('supergraph.graphql'), 'utf8'));
    expect([...keys.get('Council')!]).toEqual(['code']);
    expect([...keys.get('Property')!].sort()).toEqual(['councilCode', 'uprn']);
    expect([...keys.get('Disruption')!].sort()).toEqual(['councilCode', 'id']);
  });

  it('name the top-level fields of a nested key', () => {
    const keys = keyFieldsOf('type Thing @join__type(graph: A, key: "owner { id } number") { number: Int }');
    expect([...keys.get('Thing')!].sort()).toEqual(['number', 'owner']);
  });
});
