// A YAML configuration file that can say on which line any field is, so a validation error can
// name the file, the line and the field.
import { LineCounter, isNode, parseDocument, type Document } from 'yaml';

export type FieldPath = ReadonlyArray<string | number>;

export interface YamlFile {
  path: string;
  value: unknown;
  /** The line of the field at `path`, or of the nearest enclosing field that exists. */
  lineOf(path: FieldPath): number;
}

export type YamlReadResult = { ok: true; file: YamlFile } | { ok: false; errors: string[] };

export function parseYamlFile(text: string, path: string): YamlReadResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return { ok: false, errors: document.errors.map((error) => `${path}:${lineCounter.linePos(error.pos[0]).line}: ${firstLine(error.message)}`) };
  }
  return {
    ok: true,
    file: { path, value: document.toJS({ maxAliasCount: 100 }), lineOf: (field) => lineOf(document, lineCounter, field) },
  };
}

function lineOf(document: Document, lineCounter: LineCounter, path: FieldPath): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return 1;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
