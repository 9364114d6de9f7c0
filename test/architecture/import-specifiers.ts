/**
 * The module specifiers a TypeScript file imports, found by regular expressions rather than the
 * compiler: static `import … from`, side-effect `import '…'`, `export … from`, and `import('…')`
 * with a literal argument. Comments are removed first so prose about imports does not count.
 * A dynamic import of a computed specifier cannot be checked and is not reported.
 */

const BLOCK_COMMENT = /\/\*[\s\S]*?\*\//g;
/** Line comments that start a line; `//` inside strings (URLs) is left alone. */
const LINE_COMMENT = /^\s*\/\/.*$/gm;

const FROM = /(?:^|[;}\s])(?:import|export)\b[^'";]*?\bfrom\s*(['"])([^'"\n]+)\1/g;
const SIDE_EFFECT = /(?:^|[;}\s])import\s*(['"])([^'"\n]+)\1/g;
const DYNAMIC = /\bimport\s*\(\s*(['"`])([^'"`\n$]+)\1\s*[,)]/g;

export function importSpecifiers(source: string): string[] {
  const code = source.replace(BLOCK_COMMENT, '').replace(LINE_COMMENT, '');
  const found = new Set<string>();
  for (const pattern of [FROM, SIDE_EFFECT, DYNAMIC]) {
    for (const match of code.matchAll(pattern)) found.add(match[2]);
  }
  return [...found];
}
