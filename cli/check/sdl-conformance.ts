// Compares a council subgraph's SDL (from `_service { sdl }`) with the standard: types, fields, arguments,
// nullability, enum values and entity keys. Pure: two SDL strings in, findings out.
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  Kind,
  parse,
  type DocumentNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { Finding } from './finding.js';

/** Names the standard's own types used before a version renamed them: a finding says what to rename. */
const RENAMED_IN_STANDARD: Record<string, { from: string; version: string }> = {
  ServiceSubscription: { from: 'Subscription', version: '1.1.0' },
};
const ENTITY_TYPES = ['Council', 'Property', 'Disruption'];

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return 'object type';
  if (isEnumType(type)) return 'enum';
  if (isScalarType(type)) return 'scalar';
  if (isInputObjectType(type)) return 'input type';
  if (isInterfaceType(type)) return 'interface';
  if (isUnionType(type)) return 'union';
  return 'type';
}

/** Entity keys from the SDL's @key directives, normalised ("councilCode uprn"). */
export function entityKeys(document: DocumentNode): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'key') continue;
      const fields = directive.arguments?.find((a) => a.name.value === 'fields')?.value;
      if (fields?.kind !== Kind.STRING) continue;
      const list = keys.get(definition.name.value) ?? [];
      list.push(fields.value.trim().split(/\s+/).join(' '));
      keys.set(definition.name.value, list);
    }
  }
  return keys;
}

/** Names of the types an SDL document declares itself (not the ones a schema builder adds). */
function declaredTypes(document: DocumentNode): string[] {
  const names = new Set<string>();
  for (const definition of document.definitions) {
    if ('name' in definition && definition.name && definition.kind.endsWith('TypeDefinition')) names.add(definition.name.value);
  }
  return [...names];
}

/**
 * The standard has no subscriptions and no mutations. A subgraph with a subscription root (often a data type
 * that happens to be named `Subscription`) advertises root fields the national graph cannot serve, and
 * confuses GraphiQL, codegen and routers; a mutation root is never reached through the gateway.
 */
function rootTypeFindings(schema: GraphQLSchema): Finding[] {
  const findings: Finding[] = [];
  const subscription = schema.getSubscriptionType();
  if (subscription) {
    findings.push({
      check: 'schema',
      level: 'fail',
      message: `The subgraph has a subscription root (type ${subscription.name}, fields ${Object.keys(subscription.getFields()).join(', ')}); the standard has no subscriptions. A type named Subscription becomes the root: name a data type otherwise (the standard's is ServiceSubscription)`,
    });
  }
  const mutation = schema.getMutationType();
  if (mutation) findings.push({ check: 'schema', level: 'warn', message: `The subgraph has a mutation root (type ${mutation.name}); the national graph never sends mutations to a council` });
  return findings;
}

export function buildSchemaFromSdl(sdl: string): { schema: GraphQLSchema; document: DocumentNode } {
  const document = parse(sdl);
  return { schema: buildSubgraphSchema({ typeDefs: document }), document };
}

function compareFields(name: string, expected: GraphQLField<unknown, unknown>, actual: GraphQLField<unknown, unknown> | undefined, findings: Finding[]): void {
  const where = `${name}.${expected.name}`;
  if (!actual) {
    findings.push({ check: 'schema', level: 'fail', message: `${where} is missing (the standard has ${where}: ${expected.type})` });
    return;
  }
  if (String(actual.type) !== String(expected.type)) {
    const sameNamedType = String(actual.type).replace(/[!]/g, '') === String(expected.type).replace(/[!]/g, '');
    findings.push({
      check: 'schema',
      level: 'fail',
      message: sameNamedType
        ? `${where} has the wrong nullability: ${actual.type} where the standard says ${expected.type}`
        : `${where} has type ${actual.type} where the standard says ${expected.type}`,
    });
  }
  for (const arg of expected.args) {
    const actualArg = actual.args.find((a) => a.name === arg.name);
    if (!actualArg) findings.push({ check: 'schema', level: 'fail', message: `${where}(${arg.name}:) argument is missing (the standard has ${arg.name}: ${arg.type})` });
    else if (String(actualArg.type) !== String(arg.type)) {
      findings.push({ check: 'schema', level: 'fail', message: `${where}(${arg.name}:) has type ${actualArg.type} where the standard says ${arg.type}` });
    }
  }
  for (const arg of actual.args) {
    if (!expected.args.some((a) => a.name === arg.name) && String(arg.type).endsWith('!') && arg.defaultValue === undefined) {
      findings.push({ check: 'schema', level: 'fail', message: `${where}(${arg.name}:) is a required argument the standard does not have; clients cannot send it` });
    }
  }
}

export function compareWithStandard(standardSdl: string, implementationSdl: string): Finding[] {
  const findings: Finding[] = [];
  const standard = buildSchemaFromSdl(standardSdl);
  let implementation: ReturnType<typeof buildSchemaFromSdl>;
  try {
    implementation = buildSchemaFromSdl(implementationSdl);
  } catch (error) {
    return [{ check: 'schema', level: 'fail', message: `The subgraph's SDL does not build: ${(error as Error).message}` }];
  }
  // Every type the standard's SDL declares, whatever its name: a type is never skipped because federation
  // might have added one like it (a data type named `Subscription` once was, and was never checked).
  for (const type of declaredTypes(standard.document).map((name) => standard.schema.getType(name)!)) {
    const actual = implementation.schema.getType(type.name);
    if (!actual) {
      const renamed = RENAMED_IN_STANDARD[type.name];
      findings.push({
        check: 'schema',
        level: 'fail',
        message: renamed && implementation.schema.getType(renamed.from)
          ? `Type ${type.name} is missing: the standard renamed ${renamed.from} to ${type.name} in ${renamed.version}; rename it`
          : `Type ${type.name} is missing`,
      });
      continue;
    }
    if (kindOf(actual) !== kindOf(type)) {
      findings.push({ check: 'schema', level: 'fail', message: `${type.name} is a ${kindOf(actual)} where the standard has a ${kindOf(type)}` });
      continue;
    }
    if (isObjectType(type) && isObjectType(actual)) {
      const actualFields = actual.getFields();
      for (const field of Object.values(type.getFields())) compareFields(type.name, field, actualFields[field.name], findings);
      for (const extra of Object.keys(actualFields)) {
        if (!type.getFields()[extra]) findings.push({ check: 'schema', level: 'warn', message: `${type.name}.${extra} is not in the standard; clients will not ask for it` });
      }
    }
    if (isEnumType(type) && isEnumType(actual)) {
      const values = new Set(actual.getValues().map((v) => v.name));
      const expected = new Set(type.getValues().map((v) => v.name));
      for (const value of expected) if (!values.has(value)) findings.push({ check: 'schema', level: 'fail', message: `${type.name}.${value} is missing from the enum` });
      for (const value of values) {
        if (!expected.has(value)) findings.push({ check: 'schema', level: 'fail', message: `${type.name}.${value} is not in the standard; clients cannot understand it` });
      }
    }
  }
  const expectedKeys = entityKeys(standard.document);
  const actualKeys = entityKeys(implementation.document);
  for (const entity of ENTITY_TYPES) {
    for (const key of expectedKeys.get(entity) ?? []) {
      if (!(actualKeys.get(entity) ?? []).includes(key)) {
        findings.push({ check: 'keys', level: 'fail', message: `${entity} must be an entity with @key(fields: "${key}") (found ${JSON.stringify(actualKeys.get(entity) ?? [])})` });
      }
    }
  }
  findings.push(...rootTypeFindings(implementation.schema));
  const query = implementation.schema.getQueryType();
  for (const field of Object.keys(query?.getFields() ?? {})) {
    if (!field.startsWith('_')) findings.push({ check: 'schema', level: 'warn', message: `Query.${field} is a root field; the national graph reaches councils only through _entities and ignores it` });
  }
  if (!findings.some((f) => f.level === 'fail')) findings.push({ check: 'schema', level: 'pass', message: 'The SDL matches the standard: types, fields, arguments, nullability, enums and keys' });
  return findings;
}
