// Which parts of the national graph are answered by councils, read from the supergraph's join directives
// (the API schema Apollo Server hands to plugins has them stripped). The cost estimate needs this: a field
// a council owns, selected on a council's entity, is a request to that council.
import { Kind, parse, type ConstDirectiveNode, type DefinitionNode } from 'graphql';

export interface CouncilOwnership {
  /** An entity type the councils subgraph resolves by key (Council, Property, Disruption). */
  isCouncilEntity(typeName: string): boolean;
  /** A field only the councils subgraph resolves. */
  isCouncilField(typeName: string, fieldName: string): boolean;
  /** A root field of the in-process national subgraph, which fans out to every council. */
  isNationalRootField(fieldName: string): boolean;
}

const stringArgument = (directive: ConstDirectiveNode, name: string): string | undefined => {
  const argument = directive.arguments?.find((a) => a.name.value === name);
  return argument?.value.kind === Kind.STRING || argument?.value.kind === Kind.ENUM ? argument.value.value : undefined;
};

export function councilOwnershipOf(supergraphSdl: string): CouncilOwnership {
  const definitions: readonly DefinitionNode[] = parse(supergraphSdl, { noLocation: true }).definitions;
  // join__Graph's values name the subgraphs: COUNCILS @join__graph(name: "councils", ...).
  const graphs = new Map<string, string>();
  for (const definition of definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const name = value.directives?.find((d) => d.name.value === 'join__graph');
      if (name) graphs.set(value.name.value, stringArgument(name, 'name') ?? '');
    }
  }
  const subgraphOf = (directive: ConstDirectiveNode) => graphs.get(stringArgument(directive, 'graph') ?? '');

  const entities = new Set<string>();
  const councilFields = new Set<string>();
  const nationalRoots = new Set<string>();
  for (const definition of definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const type = definition.name.value;
    const joins = definition.directives?.filter((d) => d.name.value === 'join__type') ?? [];
    if (joins.some((d) => subgraphOf(d) === 'councils' && stringArgument(d, 'key') !== undefined)) entities.add(type);
    for (const field of definition.fields ?? []) {
      const owners = (field.directives ?? []).filter((d) => d.name.value === 'join__field').map(subgraphOf);
      if (owners.length > 0 && owners.every((owner) => owner === 'councils')) councilFields.add(`${type}.${field.name.value}`);
      if (type === 'Query' && owners.includes('national')) nationalRoots.add(field.name.value);
    }
  }
  return {
    isCouncilEntity: (typeName) => entities.has(typeName),
    isCouncilField: (typeName, fieldName) => councilFields.has(`${typeName}.${fieldName}`),
    isNationalRootField: (fieldName) => nationalRoots.has(fieldName),
  };
}
