/**
 * Every error code the source can raise is documented in docs/errors.md, and every documented
 * code is still raised somewhere (DESIGN §11: errors have stable, documented codes). Codes are
 * found where the code gives them: `CodedError` subclasses, `super('CODE', …)` and `new …Error('CODE', …)`,
 * `…Code` type unions, code tables (`const …_CODES/_ERROR = {…}`), and `code: 'CODE'` fields.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIRS = ['api', 'scorer', 'xds-server', 'mirror', 'sandbox', 'bench', 'scripts'];
const CODE = /'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g;

function files(dir: string, ext: RegExp): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'generated' ? [] : files(rel, ext);
    return ext.test(e.name) ? [rel] : [];
  });
}

const literals = (text: string) => [...text.matchAll(CODE)].map((m) => m[1]!);

/** Codes a TypeScript source declares or raises, by the patterns above. */
export function codesIn(source: string): Set<string> {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  const out = new Set<string>();
  const add = (xs: string[]) => xs.forEach((x) => out.add(x));
  for (const m of code.matchAll(/\btype \w*Code\b[^=]*=([^;]+);/g)) add(literals(m[1]!));
  for (const m of code.matchAll(/extends CodedError<([^>{]+)>/g)) add(literals(m[1]!));
  for (const m of code.matchAll(/\b(?:super|new \w*Error)\(\s*('[A-Z][A-Z0-9_]+')/g)) add(literals(m[1]!));
  for (const m of code.matchAll(/\bconst [A-Z_]*(?:CODES?|ERRORS?)\b[^=]*=\s*(\{[\s\S]*?\}|'[^']*')/g)) add(literals(m[1]!));
  for (const m of code.matchAll(/\bcode(?:\??:\s*|\s*=\s*)('[A-Z][A-Z0-9_]+')/g)) add(literals(m[1]!));
  return out;
}

function documented(): Set<string> {
  const text = fs.readFileSync(path.join(ROOT, 'docs/errors.md'), 'utf8');
  // Every code in backticks: table rows name one each, family rows (`XDS_*`) list theirs in prose.
  return new Set([...text.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)].map((m) => m[1]!));
}

describe('error codes (docs/errors.md)', () => {
  const sources = SOURCE_DIRS.flatMap((d) => files(d, /\.ts$/));
  const raised = new Map<string, string>();
  for (const f of sources) for (const c of codesIn(fs.readFileSync(path.join(ROOT, f), 'utf8'))) if (!raised.has(c)) raised.set(c, f);

  it('finds codes in the patterns it looks for (the scan can fail)', () => {
    const sample = [
      "export type WidgetErrorCode = 'WIDGET_BROKEN' | 'WIDGET_GONE';",
      "class A extends CodedError<'A_FIXED'> { constructor() { super('A_FIXED', 'x'); } }",
      "export const THING_ERROR = { bad: 'THING_BAD' };",
      "return { code: 'LOOSE_CODE', message };",
      "// code: 'IN_A_COMMENT'",
      "const mode = 'ROUND_ROBIN';",
    ].join('\n');
    assert.deepEqual([...codesIn(sample)].sort(), ['A_FIXED', 'LOOSE_CODE', 'THING_BAD', 'WIDGET_BROKEN', 'WIDGET_GONE']);
    assert.ok(raised.has('STORE_FENCED') && raised.has('PRESCIENT_CONFIG_SCHEMA'), 'the scan finds known codes');
  });

  it('documents every code the source raises', () => {
    const docs = documented();
    const missing = [...raised].filter(([c]) => !docs.has(c)).map(([c, f]) => `${c} (${f})`);
    assert.deepEqual(missing, [], `add these to docs/errors.md:\n  ${missing.join('\n  ')}`);
  });

  it('raises every documented code somewhere', () => {
    const everything = [...sources, ...files('scripts', /\.sh$/), ...files('.ci', /^run$/)]
      .map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8'))
      .join('\n');
    const stale = [...documented()].filter((c) => !everything.includes(c));
    assert.deepEqual(stale, [], `documented but never raised (remove or restore):\n  ${stale.join('\n  ')}`);
  });
});
