/**
 * Services whose endpoints come from Kubernetes: what the schema accepts (exactly one of static
 * endpoints or discovery), and the pure composition of declared config + discovered endpoints.
 */
import assert from 'node:assert/strict';
import type { EndpointSpec, MeshConfig } from '../../../api/config.ts';
import { NO_DECISIONS } from '../../../api/decisions.ts';
import { withDiscoveredEndpoints } from '../../../xds-server/config/discovered-endpoints.ts';
import { CONFIG_ERROR, formatConfigError } from '../../../xds-server/config/errors.ts';
import { parseConfigText, type ConfigLoadResult } from '../../../xds-server/config/loader.ts';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { buildMeshModel } from '../../../xds-server/model/build-mesh-model.ts';
import { checkRendering } from '../../../xds-server/pipeline/render-check.ts';
import { ConfigState } from '../../../xds-server/pipeline/config-state.ts';
import { translate } from '../../../xds-server/translate/index.ts';
import { serviceDoc, withValue, yamlOf, type Doc } from './builders.ts';

const discovery = { kubernetes: { namespace: 'shop', service: 'api' } };
const discovered = (doc: Doc = {}) => withValue(withValue(serviceDoc('api', { protocol: 'grpc', ...doc }), ['spec', 'endpoints'], undefined), ['spec', 'discovery'], discovery);

function load(...docs: Doc[]): ConfigLoadResult {
  return parseConfigText(yamlOf(...docs), 'mesh.yaml');
}

function errors(result: ConfigLoadResult): { code: string; path: string; message: string }[] {
  assert.equal(result.ok, false, 'refused');
  return (result as Extract<ConfigLoadResult, { ok: false }>).errors.map((e) => ({ code: e.code, path: e.path, message: formatConfigError(e) }));
}

function config(result: ConfigLoadResult): MeshConfig {
  assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
  return result.config;
}

describe('Service discovery source', () => {
  it('accepts a Service that takes its endpoints from Kubernetes, with no endpoints of its own', () => {
    const c = config(load(discovered(), withValue(withValue(serviceDoc('web'), ['spec', 'endpoints'], undefined), ['spec', 'discovery'], { kubernetes: { namespace: 'shop', selector: { matchLabels: { app: 'web' } }, port: 8080 } })));
    assert.deepEqual(c.services.get('api')!.spec.endpoints, []);
    assert.deepEqual(c.services.get('api')!.spec.discovery, discovery);
    assert.equal(c.services.get('web')!.spec.discovery!.kubernetes.port, 8080);
    // and it renders (an empty assignment until endpoints are discovered)
    assert.ok(checkRendering(load(discovered()), 0).ok);
  });

  it('needs exactly one of endpoints or discovery, and says so at spec', () => {
    for (const doc of [withValue(serviceDoc('api'), ['spec', 'endpoints'], undefined), withValue(serviceDoc('api'), ['spec', 'discovery'], discovery)]) {
      const [e, ...rest] = errors(load(doc));
      assert.deepEqual(rest, []);
      assert.equal(e!.code, CONFIG_ERROR.schema);
      assert.equal(e!.path, 'spec');
      assert.match(e!.message, /needs exactly one of endpoints \(addresses listed here\) or discovery/);
    }
    // an explicitly empty list is still refused as before
    assert.equal(errors(load(withValue(serviceDoc('api'), ['spec', 'endpoints'], [])))[0]!.path, 'spec.endpoints');
  });

  it('refuses a discovery source that names neither or both of service and selector, a bad port, or DNS resolution', () => {
    const neither = errors(load(withValue(discovered(), ['spec', 'discovery', 'kubernetes', 'service'], undefined)));
    assert.deepEqual(neither.map((e) => e.path), ['spec.discovery.kubernetes']);
    assert.match(neither[0]!.message, /exactly one of service .* or selector/);
    const both = errors(load(withValue(discovered(), ['spec', 'discovery', 'kubernetes', 'selector'], { matchLabels: { app: 'api' } })));
    assert.deepEqual(both.map((e) => e.path), ['spec.discovery.kubernetes']);
    const port = errors(load(withValue(discovered(), ['spec', 'discovery', 'kubernetes', 'port'], 'Not_A_Name')));
    assert.deepEqual(port.map((e) => e.path), ['spec.discovery.kubernetes.port']);
    assert.match(port[0]!.message, /port number \(1-65535\) or a port name/);
    assert.deepEqual(errors(load(withValue(discovered(), ['spec', 'discovery', 'kubernetes', 'port'], 0))).map((e) => e.path), ['spec.discovery.kubernetes.port']);
    const dns = errors(load(discovered({ dnsResolution: 'STRICT_DNS' })));
    assert.deepEqual(dns.map((e) => [e.code, e.path]), [[CONFIG_ERROR.value, 'spec.dnsResolution']]);
  });

  it('accepts a WeightOverride naming an endpoint of a discovery Service (the list exists only at run time)', () => {
    const override = { apiVersion: 'prescient.dev/v1alpha1', kind: 'WeightOverride', metadata: { name: 'pin' }, spec: { service: 'api', endpoint: '10.1.0.1:50051', pin: 5 } };
    assert.ok(load(discovered(), override).ok);
    assert.equal(errors(load(serviceDoc('api'), override))[0]!.code, CONFIG_ERROR.reference, 'still checked for listed endpoints');
  });

  it('fills only the discovery Services, leaves the declared config untouched, and costs nothing without discovery', () => {
    const declared = config(load(discovered(), serviceDoc('static')));
    const endpoints: EndpointSpec[] = [{ address: '10.1.0.1', port: 50051, locality: { zone: 'z1' } }, { address: '10.1.0.2', port: 50051, draining: true }];
    const effective = withDiscoveredEndpoints(declared, new Map([['api', endpoints], ['static', [{ address: '10.9.9.9', port: 1 }]], ['unknown', endpoints]]));
    assert.deepEqual(effective.services.get('api')!.spec.endpoints, endpoints);
    assert.equal(effective.services.get('static'), declared.services.get('static'), 'a Service with static endpoints keeps its own');
    assert.deepEqual([...effective.services.keys()], ['api', 'static'], 'discovery adds no Service');
    assert.deepEqual(declared.services.get('api')!.spec.endpoints, [], 'the declared document is not changed');
    assert.ok(Object.isFrozen(effective.services.get('api')!.spec.endpoints));
    assert.equal(withDiscoveredEndpoints(declared, new Map()), declared, 'nothing discovered yet: the declared config itself');
    const noDiscovery = config(load(serviceDoc('static')));
    assert.equal(withDiscoveredEndpoints(noDiscovery, new Map([['static', endpoints]])), noDiscovery);
  });

  it('renders discovered endpoints like config ones, a draining one with health DRAINING', () => {
    const declared = config(load(discovered()));
    const effective = withDiscoveredEndpoints(declared, new Map([['api', [{ address: '10.1.0.1', port: 50051, locality: { zone: 'z1' } }, { address: '10.1.0.2', port: 50051, draining: true }]]]));
    const cla = translate(buildMeshModel(effective, NO_DECISIONS, 0), { group: 'g', flavor: 'envoy', labels: {} }).get(TYPE_URL.endpoint)!.get('api')!.message as Record<string, any>;
    const hosts = cla.endpoints.flatMap((l: any) => l.lb_endpoints.map((e: any) => [e.endpoint.address.socket_address.address, e.health_status ?? 'UNKNOWN', l.locality?.zone]));
    assert.deepEqual(hosts.sort(), [['10.1.0.1', 'UNKNOWN', 'z1'], ['10.1.0.2', 'DRAINING', '']]);
  });

  it('keeps discovered endpoints across reloads of the declared config (ConfigState)', () => {
    const state = new ConfigState([]);
    state.accept(config(load(discovered())), 1, 0);
    assert.equal(state.setDiscovered(new Map([['api', [{ address: '10.1.0.1', port: 50051 }]]])), true);
    assert.deepEqual(state.config.services.get('api')!.spec.endpoints.map((e) => e.address), ['10.1.0.1']);
    state.accept(config(load(discovered({ connectTimeout: '2s' }))), 1, 1);
    assert.deepEqual(state.config.services.get('api')!.spec.endpoints.map((e) => e.address), ['10.1.0.1'], 'a reload keeps the endpoints');
    assert.equal(state.config.services.get('api')!.spec.connectTimeout, '2s');
    assert.deepEqual(state.declared.services.get('api')!.spec.endpoints, []);
  });
});
