import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_ERROR, formatConfigError } from '../../../xds-server/config/index.ts';
import { admitResources, type ResourceDocument } from '../../../xds-server/pipeline/admit-resources.ts';
import { routeDoc, serviceDoc, withValue, yamlOf, type Doc } from '../config/builders.ts';
import { makeTempDir } from '../config/temp-dir.ts';

const NOW = Date.parse('2026-11-29T00:00:00Z');

function resource(doc: Doc, generation = 1, namespace = 'team-a'): ResourceDocument {
  const meta = doc.metadata as { name: string };
  const value = { ...doc, metadata: { ...meta, namespace } };
  return { origin: `k8s:${String(doc.kind)}/${namespace}/${meta.name}`, value, generation };
}

const badPort = (doc: Doc) => withValue(doc, ['spec', 'endpoints', 0, 'port'], 70000);

describe('admitting custom resources with the files', () => {
  let dir: { dir: string; remove(): Promise<void> };
  let file: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    file = path.join(dir.dir, 'mesh.yaml');
  });
  afterEach(() => dir.remove());

  it('accepts files and resources checked together: a resource Route names a file Service', async () => {
    await fs.writeFile(file, yamlOf(serviceDoc('greeter')));
    const route = resource(routeDoc('greeter'));
    const result = await admitResources([file], { current: [route], lastAccepted: [] }, NOW);
    assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
    assert.deepEqual(result.config.routes.get('greeter')?.origin, { file: 'k8s:Route/team-a/greeter', documentIndex: 0 });
    assert.deepEqual(result.resources.map((v) => [v.origin, v.state, v.serving?.generation]), [['k8s:Route/team-a/greeter', 'accepted', 1]]);
  });

  it('leaves out an invalid resource with its JSON path, keeps its last accepted version and accepts the others', async () => {
    const good = resource(serviceDoc('greeter'), 1);
    const other = resource(serviceDoc('other'), 1);
    const broken = resource(badPort(serviceDoc('greeter')), 2);
    const result = await admitResources([], { current: [broken, other], lastAccepted: [good] }, NOW);
    assert.ok(result.ok);
    // The last accepted greeter serves; the other resource is accepted meanwhile.
    assert.equal(result.config.services.get('greeter')?.spec.endpoints[0].port, 50051);
    assert.ok(result.config.services.has('other'));
    const [g, o] = result.resources;
    assert.equal(g.state, 'rejected');
    assert.equal(g.generation, 2);
    assert.equal(g.serving?.generation, 1);
    assert.deepEqual(g.errors.map((e) => [e.code, e.file, e.path]), [[CONFIG_ERROR.schema, 'k8s:Service/team-a/greeter', 'spec.endpoints[0].port']]);
    assert.match(formatConfigError(g.errors[0]), /^k8s:Service\/team-a\/greeter spec\.endpoints\[0\]\.port: /);
    assert.equal(o.state, 'accepted');
  });

  it('leaves out a new invalid resource entirely, and then what depended on it (the next round finds it)', async () => {
    const service = resource(badPort(serviceDoc('greeter')));
    const route = resource(routeDoc('greeter'));
    const result = await admitResources([], { current: [service, route], lastAccepted: [] }, NOW);
    assert.ok(result.ok);
    assert.equal(result.config.services.size, 0);
    assert.equal(result.config.routes.size, 0);
    assert.deepEqual(result.resources.map((v) => [v.state, v.errors[0]?.code, v.serving]), [
      ['rejected', CONFIG_ERROR.schema, undefined],
      ['rejected', CONFIG_ERROR.reference, undefined],
    ]);
    assert.equal(result.resources[1].errors[0].message, 'names Service "greeter", which is left out: k8s:Service/team-a/greeter has errors of its own (see its status); fixing it resolves this too');
  });

  it('reports a name defined by a file and by a resource on the resource, naming the file; the file wins', async () => {
    await fs.writeFile(file, yamlOf(serviceDoc('greeter')));
    const twin = resource(serviceDoc('greeter', { endpoints: [{ address: '10.0.0.9', port: 80 }] }));
    const result = await admitResources([file], { current: [twin], lastAccepted: [] }, NOW);
    assert.ok(result.ok);
    assert.equal(result.config.services.get('greeter')?.origin.file, file);
    const [v] = result.resources;
    assert.equal(v.state, 'rejected');
    assert.equal(v.errors[0].code, CONFIG_ERROR.duplicate);
    assert.equal(v.errors[0].file, 'k8s:Service/team-a/greeter');
    assert.ok(v.errors[0].message.includes(`${file} document 0`), v.errors[0].message);
  });

  it('reports two resources of one name in two namespaces on the later one, naming the earlier', async () => {
    const a = resource(serviceDoc('greeter'), 1, 'team-a');
    const b = resource(serviceDoc('greeter'), 1, 'team-b');
    const result = await admitResources([], { current: [a, b], lastAccepted: [] }, NOW);
    assert.ok(result.ok);
    assert.deepEqual(result.resources.map((v) => v.state), ['accepted', 'rejected']);
    assert.match(result.resources[1].errors[0].message, /already defined in k8s:Service\/team-a\/greeter;/);
  });

  it('refuses the whole reload when a file is invalid: valid resources are refused, invalid ones carry their own errors', async () => {
    await fs.writeFile(file, yamlOf(badPort(serviceDoc('filed'))));
    const good = resource(serviceDoc('greeter'));
    const bad = resource(badPort(serviceDoc('broken')));
    const earlier = resource(serviceDoc('broken'), 1);
    const result = await admitResources([file], { current: [good, { ...bad, generation: 2 }], lastAccepted: [earlier] }, NOW);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.errors.some((e) => e.file === file && e.path === 'spec.endpoints[0].port'));
    // Nothing changes: what served before (broken's generation 1) still does.
    assert.deepEqual(result.resources.map((v) => [v.state, v.errors.length, v.serving?.generation]), [['refused', 0, undefined], ['rejected', 1, 1]]);
  });

  it('drops a last accepted version that no longer fits (a file now defines its name)', async () => {
    await fs.writeFile(file, yamlOf(serviceDoc('greeter')));
    const previous = resource(serviceDoc('greeter'), 1);
    const current = resource(badPort(serviceDoc('greeter')), 2);
    const result = await admitResources([file], { current: [current], lastAccepted: [previous] }, NOW);
    assert.ok(result.ok);
    assert.equal(result.resources[0].state, 'rejected');
    assert.equal(result.resources[0].serving, undefined);
    assert.equal(result.config.services.get('greeter')?.origin.file, file);
  });

  it('without resources is the plain file load', async () => {
    await fs.writeFile(file, yamlOf(serviceDoc('greeter')));
    const result = await admitResources([file], undefined, NOW);
    assert.ok(result.ok);
    assert.deepEqual(result.resources, []);
  });
});
