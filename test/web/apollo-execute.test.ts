// The in-process execute the gateway wires into webRoutes: data, errors with their extensions, and a fresh
// context per operation.
import { ApolloServer, type BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apolloExecute } from '../../gateway/web/apollo-execute.js';

let apollo: ApolloServer<BaseContext>;
const contexts: object[] = [];

beforeAll(async () => {
  apollo = new ApolloServer<BaseContext>({
    typeDefs: 'type Query { hello(name: String!): String, broken: String }',
    resolvers: {
      Query: {
        hello: (_: unknown, args: { name: string }, context: object) => {
          contexts.push(context);
          return `Hello ${args.name}`;
        },
        broken: () => {
          throw new GraphQLError('Reading is down', { extensions: { code: 'COUNCIL_UNAVAILABLE', fallbackUrl: 'https://www.reading.gov.uk/bin-calendar/' } });
        },
      },
    },
  });
  await apollo.start();
});
afterAll(async () => {
  await apollo?.stop();
});

describe('apolloExecute', () => {
  it('returns the data of an operation with variables', async () => {
    const execute = apolloExecute(apollo);
    expect(await execute('query($n: String!) { hello(name: $n) }', { n: 'Reading' })).toEqual({ data: { hello: 'Hello Reading' }, errors: undefined });
  });

  it('returns errors with their path and extensions, as a client over HTTP would see them', async () => {
    const result = await apolloExecute(apollo)('{ hello(name: "x") broken }');
    expect(result.data).toEqual({ hello: 'Hello x', broken: null });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ message: 'Reading is down', path: ['broken'], extensions: { code: 'COUNCIL_UNAVAILABLE', fallbackUrl: 'https://www.reading.gov.uk/bin-calendar/' } });
  });

  it('makes a fresh context for every operation', async () => {
    contexts.length = 0;
    let made = 0;
    const execute = apolloExecute(apollo, () => ({ made: ++made }));
    await execute('{ hello(name: "a") }');
    await execute('{ hello(name: "b") }');
    expect(contexts).toEqual([{ made: 1 }, { made: 2 }]);
  });
});
