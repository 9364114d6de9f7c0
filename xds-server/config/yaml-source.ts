/**
 * YAML text → plain documents that remember where each node came from, so schema and reference
 * errors can carry a line and column. Syntax errors are reported per document; a broken document
 * does not hide the others in the same file.
 */
import { LineCounter, parseAllDocuments, isNode, type Document } from 'yaml';
import { CONFIG_ERROR, type ConfigError } from './errors.ts';

export interface SourcePosition {
  line: number;
  column: number;
}

export interface SourceDocument {
  readonly file: string;
  /** Zero-based position among the file's YAML documents (empty ones count, so indices match `---`). */
  readonly index: number;
  /** The document as plain JSON-like data. */
  readonly value: unknown;
  /** Position of the node at `path`, or of its nearest existing ancestor. */
  locate(path: readonly (string | number)[]): SourcePosition | undefined;
}

/** Aliases may expand a small file into a huge one; past this many the document is refused. */
const MAX_ALIAS_COUNT = 100;

export function parseYamlSource(text: string, file: string): { documents: SourceDocument[]; errors: ConfigError[] } {
  const lineCounter = new LineCounter();
  const documents: SourceDocument[] = [];
  const errors: ConfigError[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const docs: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  docs.forEach((doc, index) => {
    const yamlError = (message: string, line?: number, column?: number): ConfigError => ({
      code: CONFIG_ERROR.yaml,
      file,
      documentIndex: index,
      path: '',
      message,
      ...(line === undefined ? {} : { line, column }),
    });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const pos = e.linePos?.[0];
        errors.push(yamlError(`${firstLine(e.message)}; fix the YAML syntax`, pos?.line, pos?.col));
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const pos = position(lineCounter, doc.contents?.range?.[0]);
      errors.push(yamlError(`${(err as Error).message}; expand the aliases or fix the anchors`, pos?.line, pos?.column));
      return;
    }
    // An empty document (`---` with nothing after it) parses to null: nothing to check.
    if (value === null || value === undefined) return;
    documents.push({ file, index, value, locate: (path) => locate(doc, lineCounter, path) });
  });
  return { documents, errors };
}

/** The parser's message without the position and excerpt it appends (we report those as fields). */
function firstLine(message: string): string {
  return message.split('\n', 1)[0].replace(/ at line \d+, column \d+:?$/, '');
}

function position(lineCounter: LineCounter, offset: number | undefined): SourcePosition | undefined {
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function locate(doc: Document.Parsed, lineCounter: LineCounter, path: readonly (string | number)[]): SourcePosition | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return position(lineCounter, node.range[0]);
  }
  return undefined;
}
