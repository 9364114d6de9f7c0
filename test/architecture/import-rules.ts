/**
 * Import direction (DESIGN §2) as data: which repository paths a file may import, by where the
 * file lives. Paths are repository-relative with forward slashes.
 *
 *   api/                   shared types and tiny pure helpers: nothing else of the project
 *   scorer/, mirror/       decide stage: only api/
 *   xds-server/            api/, scorer/, mirror/
 *   xds-server/model/      as xds-server/, but never transport, cache, translate or app
 *   xds-server/translate/  as xds-server/, but never transport, cache or app, so that sandbox/
 *                          can use it without pulling them in
 *   xds-server/app/        the composition root and CLI: anything but test/ (the only importer
 *                          of sandbox/)
 *   sandbox/               api/, scorer/, mirror/, xds-server/{config,model,translate,validate}
 *                          (never transport or cache)
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
  {
    from: 'xds-server/',
    allows: (t) => under('xds-server/', 'scorer/', 'mirror/', 'api/')(t) && !under('xds-server/app/')(t),
    says: 'xds-server/ may import only api/, scorer/ and mirror/ (and nothing imports the app)',
  },
  {
    from: 'xds-server/translate/',
    allows: (t) => under('xds-server/', 'scorer/', 'mirror/', 'api/')(t) && !under('xds-server/transport/', 'xds-server/cache/', 'xds-server/app/')(t),
    says: 'xds-server/translate/ (used by sandbox/) may not import transport, cache or the app',
  },
  {
    from: 'xds-server/model/',
    allows: (t) => under('xds-server/', 'scorer/', 'mirror/', 'api/')(t) && !under('xds-server/transport/', 'xds-server/cache/', 'xds-server/translate/', 'xds-server/app/')(t),
    says: 'xds-server/model/ comes before translate and may not import transport, cache, translate or the app',
  },
  { from: 'xds-server/app/', allows: not(under('test/')), says: 'the app (root and CLI) may import anything but test/' },
  {
    from: 'sandbox/',
    allows: under('sandbox/', 'api/', 'scorer/', 'mirror/', 'xds-server/config/', 'xds-server/model/', 'xds-server/translate/', 'xds-server/validate/', 'xds-server/envoy/'),
    says: 'sandbox/ may use only api/, scorer/, mirror/ and xds-server config, model, translate and validate (never transport or cache)',
  },
  { from: 'bench/', allows: not(under('test/')), says: 'bench/ may import anything but test/' },
  { from: 'test/', allows: () => true, says: 'tests may import anything' },
  { from: '', allows: not(under('sandbox/', 'test/')), says: 'nothing but the app and tests imports sandbox/, and nothing but tests imports test/' },
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

/**
 * Purity of the model, translate and cache stages (DESIGN §2): no clock, randomness, I/O or gRPC.
 * Packages they may use: protobufjs and re2js (pure computation) and `node:crypto` for content
 * hashes (deterministic, no I/O). Anything else from node:, @grpc/ or a client library is refused,
 * and so are the globals that read time, draw random numbers, arm timers or reach the process.
 */
const PURE_FOLDERS = ['xds-server/model/', 'xds-server/translate/', 'xds-server/cache/'];
const PURE_PACKAGES = new Set(['protobufjs', 're2js', 'node:crypto']);
const IMPURE_GLOBALS: readonly [RegExp, string][] = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date()'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\bperformance\.now\s*\(/, 'performance.now()'],
  [/\b(?:setTimeout|setInterval|setImmediate|queueMicrotask)\s*\(/, 'timers'],
  [/\bprocess\.(?:env|hrtime|argv|stdout|stderr|exit)\b/, 'process'],
];

/** Comments and string/template contents blanked, so only code is searched. */
function codeOnly(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

/** What `file` (repository path) breaks of the purity rule, given its imports and source. */
export function purityViolations(file: string, specifiers: readonly string[], source: string): string[] {
  if (!PURE_FOLDERS.some((f) => file.startsWith(f)) || file.includes('/generated/')) return [];
  const out: string[] = [];
  for (const s of specifiers) {
    if (/^\.{1,2}\//.test(s)) continue;
    if (!PURE_PACKAGES.has(s)) out.push(`${file}: imports '${s}' (model/, translate/ and cache/ use no clock, randomness, I/O or gRPC)`);
  }
  const code = codeOnly(source);
  for (const [pattern, name] of IMPURE_GLOBALS) if (pattern.test(code)) out.push(`${file}: uses ${name} (inject it from the root instead)`);
  return out;
}
