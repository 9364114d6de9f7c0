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

const read = (rel: string): string => fs.readFileSync(path.join(REPO, rel), 'utf8');
const TLS_MOUNT = '/etc/prescient-client-tls';
const BOOTSTRAP_MOUNT = '/etc/prescient-bootstrap';
const PRESCIENT_HOST = 'prescient.prescient.svc';

describe('proxy bootstraps', () => {
  describe('manifests/bootstrap/local/envoy-local-plaintext.yaml (local quick start)', () => {
    const json = parse(read('manifests/bootstrap/local/envoy-local-plaintext.yaml'));
    const Bootstrap = lookupType('envoy.config.bootstrap.v3.Bootstrap');

    it('decodes into envoy.config.bootstrap.v3.Bootstrap with no unknown fields', () => {
      const { value, problems } = fromProtoJson(Bootstrap, json);
      assert.deepEqual(problems, []);
      const message = Bootstrap.fromObject(value as Record<string, unknown>);
      assert.equal(Bootstrap.verify(message), null);
      const roundTrip = Bootstrap.toObject(Bootstrap.decode(Bootstrap.encode(message).finish()), { enums: String, defaults: false });
      assert.equal(roundTrip.node.id, 'envoy-greeter-client');
    });

    it('gets listeners and clusters over ADS, in plaintext, from the prescient cluster on 127.0.0.1:18000', () => {
      const dyn = json.dynamic_resources;
      assert.equal(dyn.ads_config.api_type, 'GRPC');
      assert.equal(dyn.ads_config.transport_api_version, 'V3');
      assert.deepEqual([dyn.lds_config.ads, dyn.cds_config.ads], [{}, {}]);
      const cluster = json.static_resources.clusters.find((c: { name: string }) => c.name === dyn.ads_config.grpc_services[0].envoy_grpc.cluster_name);
      assert.ok(cluster, 'the ADS cluster is defined statically');
      const socket = cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
      assert.deepEqual([socket.address, socket.port_value], ['127.0.0.1', 18000]);
      assert.equal(cluster.transport_socket, undefined);
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
      const delta = parse(read('manifests/bootstrap/local/envoy-delta-local-plaintext.yaml'));
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

  describe('manifests/bootstrap/envoy.yaml (Kubernetes, mutual TLS)', () => {
    const json = parse(read('manifests/bootstrap/envoy.yaml'));
    const local = parse(read('manifests/bootstrap/local/envoy-local-plaintext.yaml'));
    const Bootstrap = lookupType('envoy.config.bootstrap.v3.Bootstrap');
    const cluster = () => json.static_resources.clusters.find((c: { name: string }) => c.name === 'prescient');
    const tls = () => cluster().transport_socket.typed_config;

    it('decodes into envoy.config.bootstrap.v3.Bootstrap with no unknown fields', () => {
      const { value, problems } = fromProtoJson(Bootstrap, json);
      assert.deepEqual(problems, []);
      assert.equal(Bootstrap.verify(Bootstrap.fromObject(value as Record<string, unknown>)), null);
    });

    it('is the local bootstrap but for the Service address and a TLS transport socket', () => {
      const stripped = structuredClone(json);
      const c = stripped.static_resources.clusters[0];
      delete c.transport_socket;
      c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address = '127.0.0.1';
      assert.deepEqual(stripped, local);
      assert.equal(cluster().load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address, PRESCIENT_HOST);
    });

    it('presents a client certificate and checks the server name, both through file SDS in the ConfigMap mount', () => {
      assert.equal(cluster().transport_socket.name, 'envoy.transport_sockets.tls');
      assert.equal(tls()['@type'], 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext');
      assert.equal(tls().sni, PRESCIENT_HOST);
      const common = tls().common_tls_context;
      assert.deepEqual(common.alpn_protocols, ['h2']);
      const certSds = common.tls_certificate_sds_secret_configs[0];
      const caSds = common.validation_context_sds_secret_config;
      assert.deepEqual([certSds.name, caSds.name], ['xds-client-certificate', 'xds-server-ca']);
      for (const sds of [certSds, caSds]) {
        assert.equal(sds.sds_config.path_config_source.path, `${BOOTSTRAP_MOUNT}/sds-${sds.name}.yaml`);
        assert.equal(sds.sds_config.path_config_source.watched_directory.path, BOOTSTRAP_MOUNT);
      }
    });

    it('has SDS files that decode as discovery responses of Secrets, from the cert-manager Secret mount', () => {
      const Response = lookupType('envoy.service.discovery.v3.DiscoveryResponse');
      const secrets: Record<string, any> = {};
      for (const file of ['sds-xds-client-certificate.yaml', 'sds-xds-server-ca.yaml']) {
        const doc = parse(read(`manifests/bootstrap/${file}`));
        assert.deepEqual(fromProtoJson(Response, doc).problems, [], file);
        for (const r of doc.resources) {
          assert.equal(r['@type'], 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret');
          secrets[r.name] = r;
        }
      }
      const pair = secrets['xds-client-certificate'].tls_certificate;
      assert.deepEqual([pair.certificate_chain.filename, pair.private_key.filename, pair.watched_directory.path], [`${TLS_MOUNT}/tls.crt`, `${TLS_MOUNT}/tls.key`, TLS_MOUNT]);
      const ca = secrets['xds-server-ca'].validation_context;
      assert.deepEqual([ca.trusted_ca.filename, ca.watched_directory.path], [`${TLS_MOUNT}/ca.crt`, TLS_MOUNT]);
      assert.deepEqual(ca.match_typed_subject_alt_names, [{ san_type: 'DNS', matcher: { exact: tls().sni } }]);
    });

    it('would catch a misspelt field in an SDS file', () => {
      const Response = lookupType('envoy.service.discovery.v3.DiscoveryResponse');
      const doc = parse(read('manifests/bootstrap/sds-xds-client-certificate.yaml'));
      doc.resources[0].tls_certificate.certificate_chains = doc.resources[0].tls_certificate.certificate_chain;
      assert.match(fromProtoJson(Response, doc).problems.join('\n'), /certificate_chains/);
    });

    it('has a delta ADS twin that differs only in the ADS api_type', () => {
      const delta = parse(read('manifests/bootstrap/envoy-delta.yaml'));
      assert.equal(delta.dynamic_resources.ads_config.api_type, 'DELTA_GRPC');
      delta.dynamic_resources.ads_config.api_type = 'GRPC';
      assert.deepEqual(delta, json);
    });
  });

  describe('manifests/bootstrap/grpc-bootstrap.json (Kubernetes, mutual TLS)', () => {
    const json = JSON.parse(read('manifests/bootstrap/grpc-bootstrap.json'));
    const local = JSON.parse(read('manifests/bootstrap/local/grpc-bootstrap-local-plaintext.json'));

    it('uses gRFC A65 "tls" channel credentials from the cert-manager Secret mount', () => {
      const [server] = json.xds_servers;
      assert.equal(server.server_uri, `${PRESCIENT_HOST}:18000`);
      assert.deepEqual(server.channel_creds, [
        {
          type: 'tls',
          config: {
            ca_certificate_file: `${TLS_MOUNT}/ca.crt`,
            certificate_file: `${TLS_MOUNT}/tls.crt`,
            private_key_file: `${TLS_MOUNT}/tls.key`,
            refresh_interval: '600s',
          },
        },
      ]);
    });

    it('is the local bootstrap but for the server address and credentials', () => {
      const stripped = structuredClone(json);
      stripped.xds_servers[0].server_uri = local.xds_servers[0].server_uri;
      stripped.xds_servers[0].channel_creds = local.xds_servers[0].channel_creds;
      assert.deepEqual(stripped, local);
    });

    it('is refused by @grpc/grpc-js-xds 1.14, which has no "tls" channel credentials (documented limitation)', () => {
      const { validateBootstrapConfig } = require('@grpc/grpc-js-xds/build/src/xds-bootstrap.js') as { validateBootstrapConfig(obj: unknown): unknown };
      assert.throws(() => validateBootstrapConfig(json), /channel_creds/);
    });
  });

  describe('manifests/bootstrap/local/grpc-bootstrap-local-plaintext.json (local quick start)', () => {
    const json = JSON.parse(read('manifests/bootstrap/local/grpc-bootstrap-local-plaintext.json'));

    it('passes @grpc/grpc-js-xds\'s own bootstrap validation', () => {
      const { validateBootstrapConfig } = require('@grpc/grpc-js-xds/build/src/xds-bootstrap.js') as { validateBootstrapConfig(obj: unknown): { xdsServers: { server_uri: string; server_features: string[] }[]; node: { id: string } } };
      const info = validateBootstrapConfig(json);
      assert.equal(info.xdsServers[0].server_uri, '127.0.0.1:18000');
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
