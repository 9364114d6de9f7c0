import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CLIENT_FLAVOR_METADATA_KEY, detectFlavor } from '../../xds-server/cache/node-groups.ts';
import { lookupType } from '../../xds-server/envoy/protos.ts';
import { fromProtoJson } from './proto-json.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

describe('proxy bootstraps', () => {
  describe('manifests/bootstrap/envoy.yaml', () => {
    const json = parse(fs.readFileSync(path.join(REPO, 'manifests/bootstrap/envoy.yaml'), 'utf8'));
    const Bootstrap = lookupType('envoy.config.bootstrap.v3.Bootstrap');

    it('decodes into envoy.config.bootstrap.v3.Bootstrap with no unknown fields', () => {
      const { value, problems } = fromProtoJson(Bootstrap, json);
      assert.deepEqual(problems, []);
      const message = Bootstrap.fromObject(value as Record<string, unknown>);
      assert.equal(Bootstrap.verify(message), null);
      const roundTrip = Bootstrap.toObject(Bootstrap.decode(Bootstrap.encode(message).finish()), { enums: String, defaults: false });
      assert.equal(roundTrip.node.id, 'envoy-greeter-client');
    });

    it('gets listeners and clusters over ADS from the prescient cluster on port 18000', () => {
      const dyn = json.dynamic_resources;
      assert.equal(dyn.ads_config.api_type, 'GRPC');
      assert.equal(dyn.ads_config.transport_api_version, 'V3');
      assert.deepEqual([dyn.lds_config.ads, dyn.cds_config.ads], [{}, {}]);
      const cluster = json.static_resources.clusters.find((c: { name: string }) => c.name === dyn.ads_config.grpc_services[0].envoy_grpc.cluster_name);
      assert.ok(cluster, 'the ADS cluster is defined statically');
      const socket = cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
      assert.deepEqual([socket.address, socket.port_value], ['prescient', 18000]);
      assert.ok(cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'].explicit_http_config.http2_protocol_options, 'xDS is gRPC, so HTTP/2');
      assert.ok(json.node.id && json.node.cluster);
    });

    it('reports load to Prescient (cluster_manager.load_stats_config) over the ADS cluster', () => {
      const lrs = json.cluster_manager.load_stats_config;
      assert.deepEqual([lrs.api_type, lrs.transport_api_version], ['GRPC', 'V3']);
      assert.equal(lrs.grpc_services[0].envoy_grpc.cluster_name, json.dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name);
    });

    it('declares the Envoy flavor with the one node-metadata key Prescient reads', () => {
      assert.deepEqual(Object.keys(json.node.metadata), [CLIENT_FLAVOR_METADATA_KEY]);
      assert.equal(detectFlavor({ id: json.node.id, cluster: json.node.cluster, metadata: json.node.metadata, user_agent_name: 'grpc-looking-agent' }), 'envoy');
    });

    it('has a delta ADS twin that differs only in the ADS api_type', () => {
      const delta = parse(fs.readFileSync(path.join(REPO, 'manifests/bootstrap/envoy-delta.yaml'), 'utf8'));
      assert.equal(delta.dynamic_resources.ads_config.api_type, 'DELTA_GRPC');
      delta.dynamic_resources.ads_config.api_type = 'GRPC';
      assert.deepEqual(delta, json);
    });

    it('would catch a misspelt field', () => {
      const bad = structuredClone(json);
      bad.dynamic_resources.ads_config.grpc_service = bad.dynamic_resources.ads_config.grpc_services;
      assert.deepEqual(fromProtoJson(Bootstrap, bad).problems, ['dynamic_resources.ads_config.grpc_service: no field "grpc_service" in .envoy.config.core.v3.ApiConfigSource']);
    });
  });

  describe('manifests/bootstrap/grpc-bootstrap.json', () => {
    const json = JSON.parse(fs.readFileSync(path.join(REPO, 'manifests/bootstrap/grpc-bootstrap.json'), 'utf8'));

    it('passes @grpc/grpc-js-xds\'s own bootstrap validation', () => {
      const { validateBootstrapConfig } = require('@grpc/grpc-js-xds/build/src/xds-bootstrap.js') as { validateBootstrapConfig(obj: unknown): { xdsServers: { server_uri: string; server_features: string[] }[]; node: { id: string } } };
      const info = validateBootstrapConfig(json);
      assert.equal(info.xdsServers[0].server_uri, 'prescient:18000');
      assert.deepEqual(info.xdsServers[0].server_features, ['xds_v3']);
      assert.equal(info.node.id, 'grpc-greeter-client');
    });

    it('declares the gRPC flavor with the one node-metadata key Prescient reads', () => {
      assert.deepEqual(Object.keys(json.node.metadata), [CLIENT_FLAVOR_METADATA_KEY]);
      // A user agent that would say Envoy: the metadata alone decides.
      assert.equal(detectFlavor({ id: json.node.id, cluster: json.node.cluster, metadata: json.node.metadata, user_agent_name: 'envoy' }), 'grpc');
    });

    it('uses insecure channel credentials and gives the node a locality', () => {
      assert.deepEqual(json.xds_servers[0].channel_creds, [{ type: 'insecure' }]);
      assert.ok(json.node.locality, 'grpc-js-xds refuses a node without locality');
      assert.ok(json.node.cluster);
    });
  });
});
