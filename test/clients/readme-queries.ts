// The example queries of the README, as a reader copies them: every operation in its ```graphql blocks.
// The client tests run these, so an example that stops working fails a test.
import { readFileSync } from 'node:fs';
import { Kind, parse, print } from 'graphql';
import { projectPath } from '../../lib/project-path.js';

export function readmeQueries(): string[] {
  const readme = readFileSync(projectPath('README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);
  return blocks.flatMap((block) =>
    parse(block)
      .definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION)
      .map((operation) => print(operation)),
  );
}
