// Aliases the gateway cannot answer correctly, refused before planning. Apollo Gateway builds each entity's
// key from the response keys of the fields it fetched, so a client alias that takes a key field's name for
// another field (`code: binDayUrl` on Council) makes the gateway send or return the wrong value, silently
// (apollographql/federation#3036). And an alias beginning with "__" (`__typename: name`) takes a name the
// GraphQL spec reserves for introspection, which the gateway's result handling reads as the type name.
// Both are refused as invalid documents (GRAPHQL_VALIDATION_FAILED, HTTP 400) with the alias named.
import { GraphQLError, isCompositeType, parse, type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';

/** For each entity type of the supergraph, the field names its `@key`s use (from `@join__type(key: "...")`). */
export function keyFieldsOf(supergraphSdl: string): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== 'ObjectTypeDefinition' && definition.kind !== 'InterfaceTypeDefinition') continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'join__type') continue;
      const key = directive.arguments?.find((a) => a.name.value === 'key')?.value;
      if (key?.kind !== 'StringValue') continue;
      let fields = keys.get(definition.name.value);
      if (!fields) keys.set(definition.name.value, (fields = new Set()));
      // Top-level names only: a nested key selection ("a { b }") still names `a` at this level.
      for (const name of key.value.replace(/\{[^}]*\}/g, ' ').split(/\s+/).filter(Boolean)) fields.add(name);
    }
  }
  return keys;
}

export function reservedAliasesRule(keyFields: ReadonlyMap<string, ReadonlySet<string>>): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Field(node) {
      const alias = node.alias?.value;
      if (!alias || alias === node.name.value) return;
      if (alias.startsWith('__')) {
        context.reportError(new GraphQLError(`The alias "${alias}" begins with "__", which GraphQL reserves for its own names: choose another.`, { nodes: [node.alias!] }));
        return;
      }
      const parent = context.getParentType();
      if (parent && isCompositeType(parent) && keyFields.get(parent.name)?.has(alias)) {
        context.reportError(
          new GraphQLError(`The alias "${alias}" on ${parent.name} is the name of its key field, which the national graph needs as it is: choose another alias for ${node.name.value}.`, {
            nodes: [node.alias!],
          }),
        );
      }
    },
  });
}
