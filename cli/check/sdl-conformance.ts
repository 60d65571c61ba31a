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

/** Types the federation machinery adds; not part of the standard's contract. */
const FEDERATION_TYPES = new Set(['Query', 'Mutation', 'Subscription', '_Service', '_Entity', '_Any', 'FieldSet', 'link__Import', 'link__Purpose', 'federation__FieldSet', 'federation__Policy', 'federation__Scope']);
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
  for (const type of Object.values(standard.schema.getTypeMap())) {
    if (type.name.startsWith('__') || FEDERATION_TYPES.has(type.name) || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
    const actual = implementation.schema.getType(type.name);
    if (!actual) {
      findings.push({ check: 'schema', level: 'fail', message: `Type ${type.name} is missing` });
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
  const query = implementation.schema.getQueryType();
  for (const field of Object.keys(query?.getFields() ?? {})) {
    if (!field.startsWith('_')) findings.push({ check: 'schema', level: 'warn', message: `Query.${field} is a root field; the national graph reaches councils only through _entities and ignores it` });
  }
  if (!findings.some((f) => f.level === 'fail')) findings.push({ check: 'schema', level: 'pass', message: 'The SDL matches the standard: types, fields, arguments, nullability, enums and keys' });
  return findings;
}
