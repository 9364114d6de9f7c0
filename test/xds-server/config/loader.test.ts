import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFiles, parseConfigText } from '../../../xds-server/config/loader.ts';
import { CONFIG_ERROR, formatConfigError } from '../../../xds-server/config/errors.ts';
import { overrideDoc, routeDoc, serviceDoc, yamlOf } from './builders.ts';
import { makeTempDir } from './temp-dir.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('config loader', () => {
  describe('good documents', () => {
    it('applies schema defaults and fills origin', () => {
      const text = yamlOf(serviceDoc(), routeDoc('greeter', { listener: { port: 8080 }, rules: [{ backends: [{ service: 'greeter' }], retries: { attempts: 2 } }] }));
      const result = parseConfigText(text, 'mesh.yaml');
      assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
      const service = result.config.services.get('greeter')!;
      assert.equal(service.spec.protocol, 'http');
      assert.deepEqual(service.spec.loadBalancing, { policy: 'ROUND_ROBIN' });
      assert.equal(service.spec.connectTimeout, '1s');
      assert.deepEqual(service.origin, { file: 'mesh.yaml', documentIndex: 0 });
      const route = result.config.routes.get('greeter')!;
      assert.equal(route.spec.rules[0].backends[0].weight, 1);
      assert.deepEqual(route.spec.rules[0].retries?.retryOn, ['connect-failure', 'refused-stream', 'unavailable']);
      assert.equal(route.spec.listener?.address, '0.0.0.0');
      assert.deepEqual(route.origin, { file: 'mesh.yaml', documentIndex: 1 });
    });

    it('keeps what the document says over the defaults', () => {
      const result = parseConfigText(yamlOf(serviceDoc('greeter', { protocol: 'grpc', connectTimeout: '250ms', loadBalancing: { policy: 'RING_HASH' } })), 'x');
      assert.ok(result.ok);
      const spec = result.config.services.get('greeter')!.spec;
      assert.deepEqual([spec.protocol, spec.connectTimeout, spec.loadBalancing?.policy], ['grpc', '250ms', 'RING_HASH']);
    });

    it('builds an immutable MeshConfig with overrides in document order', () => {
      const text = yamlOf(serviceDoc(), overrideDoc('b', { ceiling: 5 }), overrideDoc('a', { endpoint: '127.0.0.1:50052', drain: true, ceiling: undefined }));
      const result = parseConfigText(text, 'x');
      assert.ok(result.ok);
      assert.deepEqual(result.config.weightOverrides.map((o) => o.metadata.name), ['b', 'a']);
      assert.equal(result.documents.length, 3);
      assert.throws(() => {
        (result.config.services.get('greeter')!.spec.endpoints[0] as { port: number }).port = 1;
      }, TypeError);
    });

    it('skips empty documents but keeps counting them', () => {
      const result = parseConfigText(`---\n# only a comment\n---\n${yamlOf(serviceDoc())}---\n`, 'x');
      assert.ok(result.ok);
      assert.equal(result.config.services.get('greeter')!.origin.documentIndex, 1);
    });

    it('accepts IPv6 and host-name endpoints and wildcard hosts', () => {
      const text = yamlOf(
        serviceDoc('greeter', { endpoints: [{ address: '::1', port: 80 }, { address: 'greeter-0.greeter.svc', port: 80 }] }),
        routeDoc('greeter', { hosts: ['*.demo', 'greeter:50051', '*'] }),
        overrideDoc('drain', { endpoint: '::1:80', drain: true, ceiling: undefined }),
      );
      const result = parseConfigText(text, 'x');
      assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
    });

    it('loads the demo config clean', async () => {
      const result = await loadConfigFiles([path.join(REPO, 'examples/demo/mesh.yaml')]);
      assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
      assert.deepEqual([...result.config.services.keys()], ['greeter', 'greeter-canary']);
      const greeter = result.config.services.get('greeter')!;
      assert.deepEqual(greeter.spec.endpoints.map((e) => [e.port, e.weight]), [[50051, 1], [50052, 1], [50053, 2]]);
      const route = result.config.routes.get('greeter')!;
      assert.deepEqual(route.spec.hosts, ['greeter', 'greeter.demo']);
      assert.deepEqual(route.spec.rules[0].backends.map((b) => b.weight), [90, 10]);
    });
  });

  describe('errors', () => {
    it('collects every problem across documents instead of stopping at the first', () => {
      const text = yamlOf(
        serviceDoc('greeter', { protocol: 'smtp', endpoints: [{ address: '127.0.0.1', port: 0 }] }),
        routeDoc('r', { hosts: [] }),
        overrideDoc('o', { service: 'missing' }),
      );
      const result = parseConfigText(text, 'x');
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.deepEqual(result.errors.map((e) => [e.documentIndex, e.path]), [
        [0, 'spec.protocol'],
        [0, 'spec.endpoints[0].port'],
        [1, 'spec.hosts'],
        [2, 'spec.service'],
      ]);
    });

    it('reports YAML syntax errors with line and column, and still checks the other documents', () => {
      const text = `${yamlOf(serviceDoc())}---\napiVersion: prescient.dev/v1alpha1\nkind: Route\nmetadata: {name: r\nspec: {}\n---\n${yamlOf(routeDoc('x', { hosts: [] }))}`;
      const result = parseConfigText(text, 'mesh.yaml');
      assert.equal(result.ok, false);
      if (result.ok) return;
      const yamlErr = result.errors.find((e) => e.code === CONFIG_ERROR.yaml);
      assert.ok(yamlErr);
      assert.equal(yamlErr.documentIndex, 1);
      const firstLineOfDoc1 = text.split('\n').indexOf('apiVersion: prescient.dev/v1alpha1', 8) + 1;
      assert.ok(yamlErr.line! >= firstLineOfDoc1 && yamlErr.line! <= firstLineOfDoc1 + 4, `line ${yamlErr.line}`);
      assert.ok(yamlErr.column! >= 1);
      assert.ok(result.errors.some((e) => e.documentIndex === 2 && e.path === 'spec.hosts'), 'the document after the broken one is still checked');
    });

    it('reports a stray Kubernetes object once, without it shadowing a Prescient name', () => {
      const k8sService = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'greeter' }, spec: { ports: [{ port: 80 }] } };
      const result = parseConfigText(yamlOf(serviceDoc(), k8sService), 'x');
      assert.equal(result.ok, false);
      if (!result.ok) assert.deepEqual(result.errors.map((e) => [e.code, e.documentIndex, e.path]), [[CONFIG_ERROR.apiVersion, 1, 'apiVersion']]);
    });

    it('reports duplicate keys as YAML errors', () => {
      const result = parseConfigText('apiVersion: prescient.dev/v1alpha1\nkind: Service\nkind: Route\n', 'x');
      assert.equal(result.ok, false);
      if (!result.ok) assert.deepEqual(result.errors.map((e) => [e.code, e.line]), [[CONFIG_ERROR.yaml, 3]]);
    });

    it('points line and column at the offending node', () => {
      const text = 'apiVersion: prescient.dev/v1alpha1\nkind: Service\nmetadata:\n  name: greeter\nspec:\n  endpoints:\n    - address: 127.0.0.1\n      port: 99999\n';
      const result = parseConfigText(text, 'mesh.yaml');
      assert.equal(result.ok, false);
      if (result.ok) return;
      const [e] = result.errors;
      assert.deepEqual([e.line, e.column, e.path], [8, 13, 'spec.endpoints[0].port']);
      assert.equal(
        formatConfigError(e),
        'mesh.yaml:8:13 document 0 (Service/greeter) spec.endpoints[0].port: must be between 1 and 65535 (got 99999) [PRESCIENT_CONFIG_SCHEMA]',
      );
    });

    it('refuses alias bombs', () => {
      const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 8; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
      const result = parseConfigText(lines.join('\n'), 'bomb.yaml');
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.errors[0].code, CONFIG_ERROR.yaml);
    });
  });

  describe('files and directories', () => {
    let tmp: Awaited<ReturnType<typeof makeTempDir>>;
    beforeEach(async () => {
      tmp = await makeTempDir();
    });
    afterEach(() => tmp.remove());

    it('merges several files and checks references across them', async () => {
      const a = path.join(tmp.dir, 'services.yaml');
      const b = path.join(tmp.dir, 'routes.yml');
      await fs.writeFile(a, yamlOf(serviceDoc()));
      await fs.writeFile(b, yamlOf(routeDoc()));
      const result = await loadConfigFiles([a, b]);
      assert.ok(result.ok);
      assert.deepEqual(result.documents.map((d) => d.origin), [{ file: a, documentIndex: 0 }, { file: b, documentIndex: 0 }]);
      const alone = await loadConfigFiles([b]);
      assert.equal(alone.ok, false);
      if (!alone.ok) assert.deepEqual(alone.errors.map((e) => [e.code, e.file]), [[CONFIG_ERROR.reference, b]]);
    });

    it('expands a directory to its .yaml and .yml files in name order, skipping others', async () => {
      await fs.writeFile(path.join(tmp.dir, '20-routes.yml'), yamlOf(routeDoc()));
      await fs.writeFile(path.join(tmp.dir, '10-services.yaml'), yamlOf(serviceDoc()));
      await fs.writeFile(path.join(tmp.dir, 'notes.txt'), 'not: [yaml');
      await fs.writeFile(path.join(tmp.dir, '.hidden.yaml'), 'not: [yaml');
      await fs.mkdir(path.join(tmp.dir, 'sub.yaml'));
      const result = await loadConfigFiles([tmp.dir]);
      assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
      assert.deepEqual(result.documents.map((d) => path.basename(d.origin.file)), ['10-services.yaml', '20-routes.yml']);
    });

    it('reads each file once when it is named twice', async () => {
      const a = path.join(tmp.dir, 'mesh.yaml');
      await fs.writeFile(a, yamlOf(serviceDoc()));
      const result = await loadConfigFiles([a, tmp.dir]);
      assert.ok(result.ok);
    });

    it('reports a duplicate across files naming the first definition', async () => {
      await fs.writeFile(path.join(tmp.dir, 'a.yaml'), yamlOf(serviceDoc()));
      await fs.writeFile(path.join(tmp.dir, 'b.yaml'), yamlOf(serviceDoc()));
      const result = await loadConfigFiles([tmp.dir]);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.errors.length, 1);
      assert.equal(result.errors[0].code, CONFIG_ERROR.duplicate);
      assert.match(result.errors[0].message, /a\.yaml document 0/);
    });

    it('reports a missing path as an IO error and still loads the rest', async () => {
      await fs.writeFile(path.join(tmp.dir, 'mesh.yaml'), yamlOf(serviceDoc('greeter', { protocol: 'smtp' })));
      const missing = path.join(tmp.dir, 'nope.yaml');
      const result = await loadConfigFiles([missing, tmp.dir]);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.deepEqual(result.errors.map((e) => e.code), [CONFIG_ERROR.io, CONFIG_ERROR.schema]);
      assert.equal(result.errors[0].file, missing);
      assert.match(formatConfigError(result.errors[0]), /nope\.yaml cannot be read \(ENOENT\)/);
    });

    it('loads an empty directory as an empty config', async () => {
      const result = await loadConfigFiles([tmp.dir]);
      assert.ok(result.ok);
      assert.equal(result.config.services.size, 0);
    });
  });
});
