import assert from 'node:assert/strict';
import type { ConfigLoadResult } from '../../../xds-server/config/index.ts';
import { parseConfigText } from '../../../xds-server/config/index.ts';
import { checkRendering } from '../../../xds-server/pipeline/render-check.ts';
import { endpoint, meshConfig, resetDocumentCounter, service } from '../../support/config-builders.ts';

function accepted(...docs: Parameters<typeof meshConfig>): ConfigLoadResult {
  return { ok: true, config: meshConfig(...docs), documents: docs };
}

describe('render check before a configuration is accepted', () => {
  beforeEach(() => resetDocumentCounter());

  it('passes a configuration whose rendered resources Envoy accepts', () => {
    const result = checkRendering(accepted(service('web', { endpoints: [endpoint('10.0.0.1', 80)] })), 0);
    assert.equal(result.ok, true);
  });

  it('refuses, naming document and path, what would render a resource Envoy rejects', () => {
    // Built past the loader (which refuses zero durations) to reach the last gate.
    const result = checkRendering(accepted(service('web', { connectTimeout: '0s', endpoints: [endpoint('10.0.0.1', 80)] })), 0);
    assert.equal(result.ok, false);
    if (result.ok) return;
    const e = result.errors[0]!;
    assert.equal(e.code, 'PRESCIENT_CONFIG_ENVOY');
    assert.equal(e.file, 'mesh.yaml');
    assert.equal(e.documentIndex, 0);
    assert.equal(e.path, 'spec.connectTimeout');
    assert.match(e.message, /connect_timeout breaking duration\.gt/);
    assert.equal(result.errors.length, 1, 'an issue both flavors share is reported once');
  });

  it('passes loader refusals through unchanged', () => {
    const refused = parseConfigText('', 'empty.yaml');
    assert.equal(checkRendering(refused, 0), refused);
  });
});

describe('loader hardening', () => {
  it('refuses a file with no document (a truncated write would withdraw everything)', () => {
    for (const text of ['', '# only a comment\n', '---\n']) {
      const r = parseConfigText(text, 'mesh.yaml');
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.errors[0]!.code, 'PRESCIENT_CONFIG_EMPTY');
    }
  });

  it('refuses zero durations Envoy requires to be positive, naming each field', () => {
    const r = parseConfigText(
      `apiVersion: prescient.dev/v1alpha1
kind: Service
metadata: {name: web}
spec:
  protocol: grpc
  connectTimeout: 0s
  outlierDetection: {interval: 0ms, baseEjectionTime: 30s}
  healthChecks: [{type: grpc, interval: 1s, timeout: 0s}]
  endpoints: [{address: 10.0.0.1, port: 80}]
`,
      'mesh.yaml',
    );
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(
      r.errors.map((e) => `${e.code} ${e.path}`),
      ['PRESCIENT_CONFIG_VALUE spec.connectTimeout', 'PRESCIENT_CONFIG_VALUE spec.outlierDetection.interval', 'PRESCIENT_CONFIG_VALUE spec.healthChecks[0].timeout'],
    );
  });

  it('checks route regexes with RE2, as Envoy and gRPC compile them', () => {
    const routeWith = (regex: string) =>
      parseConfigText(
        `apiVersion: prescient.dev/v1alpha1
kind: Service
metadata: {name: web}
spec: {protocol: grpc, endpoints: [{address: 10.0.0.1, port: 80}]}
---
apiVersion: prescient.dev/v1alpha1
kind: Route
metadata: {name: r}
spec:
  hosts: [web]
  rules: [{match: {regex: ${JSON.stringify(regex)}}, backends: [{service: web, weight: 1}]}]
`,
        'mesh.yaml',
      );
    // Each of these compiles in JavaScript; grpc-go NACKs the route configuration for the first.
    for (const bad of ['/a\\Z', 'a{1001}', '\\u0041', '(?=x)y', '(a)\\1']) {
      const r = routeWith(bad);
      assert.equal(r.ok, false, `${bad} should be refused`);
      if (!r.ok) assert.match(r.errors[0]!.message, /not a valid RE2 regular expression/);
    }
    for (const good of ['^/v[0-9]+/.*$', '(?P<name>a)', '(?i)abc', 'a{1000}']) assert.equal(routeWith(good).ok, true, `${good} should be accepted`);
  });

  it('puts a 100 ms floor under the intervals of loops Prescient runs itself', () => {
    const r = parseConfigText(
      `apiVersion: prescient.dev/v1alpha1
kind: Service
metadata: {name: web}
spec:
  protocol: grpc
  healthChecks: [{type: grpc, interval: 1ns}]
  endpoints: [{address: 10.0.0.1, port: 80}]
---
apiVersion: prescient.dev/v1alpha1
kind: ScoringPolicy
metadata: {name: fast}
spec: {interval: 50ms}
`,
      'mesh.yaml',
    );
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.errors.map((e) => `${e.documentIndex} ${e.path}`), ['0 spec.healthChecks[0].interval', '1 spec.interval']);
  });

  it('refuses durations longer than a protobuf Duration holds, wherever they are', () => {
    const r = parseConfigText(
      `apiVersion: prescient.dev/v1alpha1
kind: Service
metadata: {name: web}
spec: {protocol: grpc, connectTimeout: 99999999999h, endpoints: [{address: 10.0.0.1, port: 80, metadata: {note: 99999999999h}}]}
---
apiVersion: prescient.dev/v1alpha1
kind: Route
metadata: {name: r}
spec:
  hosts: [web]
  rules: [{backends: [{service: web, weight: 1}], retries: {attempts: 1, retryOn: [unavailable], perTryTimeout: 99999999999h}}]
`,
      'mesh.yaml',
    );
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.errors.map((e) => `${e.documentIndex} ${e.path}`), ['0 spec.connectTimeout', '1 spec.rules[0].retries.perTryTimeout']);
  });
});
