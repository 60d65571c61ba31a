// The supergraph's `Date` scalar has no parser of its own in the gateway, so a bad date would travel to
// every council and come back as one error per council. Check Date arguments once, up front.
import type { ApolloServerPlugin } from '@apollo/server';
import {
  TypeInfo,
  getNamedType,
  isListType,
  isNonNullType,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  Kind,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import { parseDateInput } from '../../schema/scalars.js';

function checkValue(type: GraphQLInputType, value: unknown): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkValue(type.ofType, value);
  if (isListType(type)) {
    for (const item of Array.isArray(value) ? value : [value]) checkValue(type.ofType, item);
    return;
  }
  if (type.name === 'Date') parseDateInput(value);
}

function checkLiteral(type: GraphQLInputType, node: ValueNode): void {
  if (node.kind === Kind.VARIABLE || node.kind === Kind.NULL) return;
  if (isNonNullType(type)) return checkLiteral(type.ofType, node);
  if (isListType(type)) {
    for (const item of node.kind === Kind.LIST ? node.values : [node]) checkLiteral(type.ofType, item);
    return;
  }
  if (type.name !== 'Date') return;
  parseDateInput(node.kind === Kind.STRING ? node.value : 'value' in node ? node.value : node.kind);
}

export function dateArgumentsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          const variables = request.variables ?? {};
          for (const definition of operation?.variableDefinitions ?? []) {
            const type = typeFromAST(schema, definition.type as never) as GraphQLInputType | undefined;
            if (type && getNamedType(type).name === 'Date') checkValue(type, variables[definition.variable.name.value]);
          }
          checkDocumentLiterals(schema, document);
        },
      };
    },
  };
}

function checkDocumentLiterals(schema: GraphQLSchema, document: Parameters<typeof visit>[0]): void {
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const type = typeInfo.getInputType();
        if (type && getNamedType(type).name === 'Date') checkLiteral(type, node.value);
      },
    }),
  );
}
