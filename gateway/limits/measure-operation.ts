// Depth and alias count of one operation, following fragment spreads (each use counts: a fragment of ten
// aliases spread five times makes the gateway do fifty). Runs after validation, so fragments exist and do
// not cycle; the guards below only keep a bug from looping.
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface OperationSize {
  depth: number;
  aliases: number;
}

/** Introspection is answered by the gateway itself and is off in production: it is not counted. */
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode): OperationSize {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const memo = new Map<string, OperationSize>();

  function measure(selectionSet: SelectionSetNode, visiting: ReadonlySet<string>): OperationSize {
    let depth = 0;
    let aliases = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases++;
        if (INTROSPECTION_ROOTS.has(selection.name.value)) continue;
        const inner = selection.selectionSet ? measure(selection.selectionSet, visiting) : { depth: 0, aliases: 0 };
        depth = Math.max(depth, 1 + inner.depth);
        aliases += inner.aliases;
      } else {
        const inner = selection.kind === Kind.INLINE_FRAGMENT ? measure(selection.selectionSet, visiting) : spread(selection.name.value, visiting);
        depth = Math.max(depth, inner.depth);
        aliases += inner.aliases;
      }
    }
    return { depth, aliases };
  }

  function spread(name: string, visiting: ReadonlySet<string>): OperationSize {
    const known = memo.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || visiting.has(name)) return { depth: 0, aliases: 0 };
    const size = measure(fragment.selectionSet, new Set([...visiting, name]));
    memo.set(name, size);
    return size;
  }

  return measure(operation.selectionSet, new Set());
}
