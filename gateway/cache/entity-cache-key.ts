// What identifies one cached council answer: the council (and the endpoint that answered), the selection
// the gateway asked for (its query text), the variables that query uses, and the entity's key.
// Two requests share an entry only when all of these are equal.
import { createHash } from 'node:crypto';
import { stableJson } from './stable-json.js';

export interface EntitySelection {
  councilCode: string;
  endpointUrl: string;
  query: string;
  /** The fetch's variables other than `representations`. */
  variables: Record<string, unknown>;
}

/** Returns the key of each representation under one selection; the selection's share is hashed once. */
export function entityCacheKeys(selection: EntitySelection, representations: readonly unknown[]): string[] {
  const prefix = createHash('sha256')
    .update(selection.endpointUrl)
    .update('\n')
    .update(selection.query)
    .update('\n')
    .update(stableJson(selection.variables))
    .digest('base64url');
  // The council code stays readable at the front, so an operator can find (or drop) one council's entries.
  return representations.map(
    (representation) => `${selection.councilCode}:${createHash('sha256').update(prefix).update(stableJson(representation)).digest('base64url')}`,
  );
}

/** The variables that select what an entity fetch returns: all but the representations themselves. */
export function selectionVariables(variables: Record<string, unknown>): Record<string, unknown> {
  const { representations: _representations, ...rest } = variables;
  return rest;
}
