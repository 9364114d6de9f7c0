/**
 * Import direction (DESIGN §2) as data: which repository paths a file may import, by where the
 * file lives. Paths are repository-relative with forward slashes.
 *
 *   api/                   shared types and tiny pure helpers: nothing else of the project
 *   scorer/, mirror/       decide stage: only api/
 *   xds-server/            api/, scorer/, mirror/
 *   xds-server/translate/  as xds-server/, but never transport or cache, so that sandbox/ can use
 *                          it without pulling them in
 *   sandbox/               api/, scorer/, mirror/, xds-server/translate/ (never transport or cache)
 *   bench/                 anything but test/
 *   test/                  anything
 *   anything else          anything but sandbox/ and test/ (nothing but tests imports them)
 */
import path from 'node:path';

interface Rule {
  /** Folders (with trailing slash) this rule is about; the longest match wins. */
  readonly from: string;
  readonly allows: (target: string) => boolean;
  /** The rule in words, for the failure message. */
  readonly says: string;
}

const under = (...folders: string[]) => (target: string) => folders.some((f) => target.startsWith(f));
const not = (allows: (target: string) => boolean) => (target: string) => !allows(target);

const RULES: readonly Rule[] = [
  { from: 'api/', allows: under('api/'), says: 'api/ imports nothing else of the project (every folder imports it)' },
  { from: 'scorer/', allows: under('scorer/', 'api/'), says: 'scorer/ imports no project folder except api/' },
  { from: 'mirror/', allows: under('mirror/', 'api/'), says: 'mirror/ imports no project folder except api/' },
  { from: 'xds-server/', allows: under('xds-server/', 'scorer/', 'mirror/', 'api/'), says: 'xds-server/ may import only api/, scorer/ and mirror/' },
  {
    from: 'xds-server/translate/',
    allows: (t) => under('xds-server/', 'scorer/', 'mirror/', 'api/')(t) && !under('xds-server/transport/', 'xds-server/cache/')(t),
    says: 'xds-server/translate/ (used by sandbox/) may not import transport or cache',
  },
  {
    from: 'sandbox/',
    allows: under('sandbox/', 'api/', 'scorer/', 'mirror/', 'xds-server/translate/'),
    says: 'sandbox/ may use only api/, scorer/, mirror/ and xds-server/translate/ (never transport or cache)',
  },
  { from: 'bench/', allows: not(under('test/')), says: 'bench/ may import anything but test/' },
  { from: 'test/', allows: () => true, says: 'tests may import anything' },
  { from: '', allows: not(under('sandbox/', 'test/')), says: 'nothing but tests imports sandbox/ or test/' },
];

function ruleFor(file: string): Rule {
  return RULES.filter((r) => file.startsWith(r.from)).reduce((a, b) => (b.from.length > a.from.length ? b : a));
}

/** The rule `file` breaks by importing `target` (both repository paths), or undefined. */
export function brokenRule(file: string, target: string): string | undefined {
  if (target.startsWith('../')) return 'imports from outside the repository';
  const rule = ruleFor(file);
  return rule.allows(target) ? undefined : rule.says;
}

/** Repository path a relative specifier points at; undefined for packages and node: builtins. */
export function resolveSpecifier(file: string, specifier: string): string | undefined {
  if (!/^\.{1,2}\//.test(specifier)) return undefined;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
}
