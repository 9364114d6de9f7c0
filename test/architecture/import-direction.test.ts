import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importSpecifiers } from './import-specifiers.ts';
import { brokenRule, purityViolations, resolveSpecifier } from './import-rules.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Not project source: dependencies, dot folders (.git, .scratch) and the git-ignored /tmp. */
const skipped = (parent: string, name: string) => name === 'node_modules' || name.startsWith('.') || (parent === '' && name === 'tmp');

function tsFiles(dir = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!skipped(dir, entry.name)) out.push(...tsFiles(rel));
    } else if (/\.[cm]?ts$/.test(entry.name)) out.push(rel);
  }
  return out;
}

interface Edge {
  readonly file: string;
  readonly specifier: string;
  readonly target: string;
}

function projectImports(): Edge[] {
  return tsFiles().flatMap((file) =>
    importSpecifiers(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')).flatMap((specifier) => {
      const target = resolveSpecifier(file, specifier);
      return target === undefined ? [] : [{ file, specifier, target }];
    }),
  );
}

describe('import direction (DESIGN §2)', () => {
  it('holds for every .ts file in the repository', () => {
    const edges = projectImports();
    // Guards against a scan that silently finds nothing: a known allowed edge must be seen.
    assert.ok(edges.some((e) => e.file === 'scorer/policy/resolved-policy.ts' && e.target === 'api/config.ts'), 'scanner found no imports');
    const broken = edges.flatMap((e) => {
      const rule = brokenRule(e.file, e.target);
      return rule === undefined ? [] : [`${e.file}: import '${e.specifier}' (${e.target}) breaks "${rule}"`];
    });
    assert.deepEqual(broken, [], `import-direction violations:\n  ${broken.join('\n  ')}`);
  });

  it('keeps model/, translate/ and cache/ free of clocks, randomness, I/O and gRPC', () => {
    const found = tsFiles().flatMap((file) => {
      const source = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
      return purityViolations(file, importSpecifiers(source), source);
    });
    assert.ok(tsFiles().some((f) => f.startsWith('xds-server/model/')), 'scanner found the model');
    assert.deepEqual(found, [], `purity violations:\n  ${found.join('\n  ')}`);
  });

  it('catches every forbidden import and global in a fixture file (the rule can fail)', () => {
    const source = fs.readFileSync(path.join(REPO_ROOT, 'test/architecture/fixtures/impure-model.fixture'), 'utf8');
    const found = purityViolations('xds-server/model/impure.ts', importSpecifiers(source), source);
    assert.deepEqual(found.map((v) => v.replace(/^xds-server\/model\/impure\.ts: /, '').replace(/ \(.*$/, '')), [
      "imports 'node:net'",
      "imports '@grpc/grpc-js'",
      'uses Date.now()',
      'uses Math.random()',
      'uses timers',
      'uses process',
    ]);
    assert.deepEqual(purityViolations('xds-server/pipeline/impure.ts', importSpecifiers(source), source), [], 'the rule is about the pure stages only');
    const translateImportsApp = brokenRule('xds-server/translate/x.ts', 'xds-server/app/prescient.ts');
    assert.ok(translateImportsApp, 'translate may not import the app');
    assert.ok(brokenRule('xds-server/model/x.ts', 'xds-server/translate/index.ts'), 'the model comes before translate');
    assert.equal(brokenRule('xds-server/app/x.ts', 'sandbox/sim.ts'), undefined, 'the app alone may import sandbox/');
  });

  describe('scanner', () => {
    it('finds static, type-only, multi-line, side-effect, re-export and literal dynamic imports', () => {
      const source = [
        "import a from './a.ts';",
        "import type { B } from '../b.ts';",
        'import {\n  c,\n  type D,\n} from "./c.ts";',
        "import './side-effect.ts';",
        "export { e } from './e.ts';",
        "export * from './f.ts';",
        "export type * as G from './g.ts';",
        "const h = await import('./h.ts');",
        'const i = await import(`./i.ts`);',
        "const j = await import('./j.json', { with: { type: 'json' } });",
        "if (x) { import('./k.ts') }",
        "import fs from 'node:fs';",
      ].join('\n');
      assert.deepEqual(importSpecifiers(source).sort(), ['../b.ts', './a.ts', './c.ts', './e.ts', './f.ts', './g.ts', './h.ts', './i.ts', './j.json', './k.ts', './side-effect.ts', 'node:fs']);
    });

    it('ignores comments, strings that merely mention imports, and computed dynamic imports', () => {
      const source = [
        "/* import x from '../../sandbox/x.ts'; */",
        "// import y from '../../test/y.ts';",
        "  // export { z } from '../z.ts';",
        "const url = 'http://example.com/import';",
        'const m = await import(`./${name}.ts`);',
        'const n = await import(spec);',
      ].join('\n');
      assert.deepEqual(importSpecifiers(source), []);
    });
  });

  describe('rules', () => {
    const cases: [file: string, target: string, allowed: boolean][] = [
      ['scorer/loop/x.ts', 'api/config.ts', true],
      ['scorer/loop/x.ts', 'scorer/metrics.ts', true],
      ['scorer/loop/x.ts', 'xds-server/log.ts', false],
      ['scorer/loop/x.ts', 'mirror/plan.ts', false],
      ['mirror/x.ts', 'scorer/score/types.ts', false],
      ['api/x.ts', 'xds-server/metrics.ts', false],
      ['xds-server/pipeline/x.ts', 'scorer/telemetry/prober.ts', true],
      ['xds-server/pipeline/x.ts', 'mirror/plan.ts', true],
      ['xds-server/pipeline/x.ts', 'sandbox/sim.ts', false],
      ['xds-server/x.ts', 'bench/xds/run.ts', false],
      ['xds-server/translate/x.ts', 'xds-server/envoy/type-urls.ts', true],
      ['xds-server/translate/x.ts', 'xds-server/cache/types.ts', false],
      ['xds-server/translate/x.ts', 'xds-server/transport/xds-server.ts', false],
      ['sandbox/x.ts', 'xds-server/translate/index.ts', true],
      ['sandbox/x.ts', 'xds-server/model/build-mesh-model.ts', true],
      ['sandbox/x.ts', 'xds-server/config/loader.ts', true],
      ['sandbox/x.ts', 'xds-server/app/prescient.ts', false],
      ['xds-server/pipeline/x.ts', 'xds-server/app/prescient.ts', false],
      ['xds-server/app/x.ts', 'sandbox/sim.ts', true],
      ['sandbox/x.ts', 'scorer/score/score-service.ts', true],
      ['sandbox/x.ts', 'xds-server/transport/xds-server.ts', false],
      ['sandbox/x.ts', 'xds-server/cache/resource-cache.ts', false],
      ['sandbox/x.ts', 'test/support/x.ts', false],
      ['bench/xds/x.ts', 'xds-server/cache/resource-cache.ts', true],
      ['bench/xds/x.ts', 'test/support/x.ts', false],
      ['scripts/x.ts', 'xds-server/config/crd.ts', true],
      ['scripts/x.ts', 'test/support/x.ts', false],
      ['scripts/x.ts', 'sandbox/sim.ts', false],
      ['test/e2e/x.ts', 'sandbox/sim.ts', true],
      ['test/e2e/x.ts', 'test/support/x.ts', true],
      ['scorer/x.ts', '../outside.ts', false],
    ];
    for (const [file, target, allowed] of cases) {
      it(`${allowed ? 'lets' : 'stops'} ${file} → ${target}`, () => {
        assert.equal(brokenRule(file, target) === undefined, allowed, brokenRule(file, target) ?? 'allowed');
      });
    }

    it('resolves relative specifiers to repository paths and skips packages', () => {
      assert.equal(resolveSpecifier('scorer/policy/a.ts', '../../api/duration.ts'), 'api/duration.ts');
      assert.equal(resolveSpecifier('scorer/a.ts', './b.ts'), 'scorer/b.ts');
      assert.equal(resolveSpecifier('scorer/a.ts', '../../x.ts'), '../x.ts');
      assert.equal(resolveSpecifier('scorer/a.ts', 'prom-client'), undefined);
      assert.equal(resolveSpecifier('scorer/a.ts', 'node:fs'), undefined);
    });
  });
});
