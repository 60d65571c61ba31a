// Counts a document's tokens without building it, stopping just past the limit, so an enormous query costs
// no more than `limit` tokens of lexing before it is refused. graphql-js's own `maxTokens` parse option
// reports a syntax error (GRAPHQL_PARSE_FAILED); this lets the gateway say OPERATION_TOO_LARGE instead.
import { Lexer, Source, TokenKind } from 'graphql';

export function countTokensUpTo(source: string, limit: number): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > limit) break;
    }
  } catch {
    // A lexing error is the parser's to report, with its position.
  }
  return count;
}
