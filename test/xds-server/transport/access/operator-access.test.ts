import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { makeTestPki, type TestPki } from '../../../support/test-pki.ts';
import { startHarness, type Harness } from '../harness.ts';
import { addressOf, isLoopback, uriSans } from '../../../../xds-server/transport/access/peer-identity.ts';
import { parseLrsIdentity } from '../../../../xds-server/transport/access/xds-access.ts';

const FETCH = '/envoy.service.status.v3.ClientStatusDiscoveryService/FetchClientStatus';
const OPERATOR = 'spiffe://cluster.local/ns/ops/sa/prescient-cli';

/** FetchClientStatus with an empty request; resolves to the gRPC status code (0 = OK). */
function fetchStatus(address: string, creds: grpc.ChannelCredentials, authorization?: string): Promise<number> {
  const client = new grpc.Client(address, creds);
  const metadata = new grpc.Metadata();
  if (authorization) metadata.set('authorization', authorization);
  return new Promise<number>((resolve) => {
    client.makeUnaryRequest(FETCH, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), metadata, (err) => resolve(err ? err.code : grpc.status.OK));
  }).finally(() => client.close());
}

describe('CSDS access (admin token or operator identity)', () => {
  let h: Harness;
  afterEach(() => h.stop());

  it('is open without a token, and with one requires "authorization: Bearer <token>" metadata', async () => {
    h = await startHarness();
    assert.equal(await fetchStatus(h.address, grpc.credentials.createInsecure()), grpc.status.OK);
    await h.stop();
    h = await startHarness({ access: { adminToken: 's3cret' } });
    const insecure = grpc.credentials.createInsecure();
    assert.equal(await fetchStatus(h.address, insecure), grpc.status.UNAUTHENTICATED);
    assert.equal(await fetchStatus(h.address, insecure, 'Bearer wrong'), grpc.status.UNAUTHENTICATED);
    assert.equal(await fetchStatus(h.address, insecure, 'Bearer s3cret'), grpc.status.OK);
  });

  describe('with mTLS', () => {
    let pki: TestPki;
    before(() => {
      pki = makeTestPki();
      pki.issueClient('operator', [OPERATOR]);
      pki.issueClient('sidecar', ['spiffe://cluster.local/ns/shop/sa/frontend']);
    });
    after(() => pki.remove());
    const creds = (name: string) => grpc.credentials.createSsl(pki.read('ca.crt'), pki.read(`${name}.key`), pki.read(`${name}.crt`));

    it('admits an operator identity without the token, and a sidecar identity only with it', async () => {
      h = await startHarness({
        tls: { certFile: pki.file('server.crt'), keyFile: pki.file('server.key'), caFile: pki.file('ca.crt'), requireClientCert: true },
        access: { adminToken: 's3cret', operatorIdentities: [OPERATOR] },
      });
      assert.equal(await fetchStatus(h.address, creds('operator')), grpc.status.OK);
      assert.equal(await fetchStatus(h.address, creds('sidecar')), grpc.status.UNAUTHENTICATED);
      assert.equal(await fetchStatus(h.address, creds('sidecar'), 'Bearer s3cret'), grpc.status.OK);
    });
  });
});

describe('peer identity parsing', () => {
  it('reads URI SANs, including quoted ones, and ignores other SAN types', () => {
    assert.deepEqual(uriSans('DNS:localhost, URI:spiffe://a/b, IP Address:127.0.0.1, URI:"spiffe://c/d,e"'), ['spiffe://a/b', 'spiffe://c/d,e']);
    assert.deepEqual(uriSans(undefined), []);
  });

  it('strips the port from grpc-js peers and recognises loopback only', () => {
    assert.equal(addressOf('10.1.2.3:5000'), '10.1.2.3');
    assert.equal(addressOf('::ffff:127.0.0.1:5000'), '::ffff:127.0.0.1');
    assert.equal(addressOf('unknown'), '');
    for (const a of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) assert.ok(isLoopback(a), a);
    for (const a of ['10.0.0.1', '::ffff:10.0.0.1', 'fe80::1', '', '128.0.0.1']) assert.ok(!isLoopback(a), a);
  });

  it('parses --lrs-identity IDENTITY=CLUSTERS and refuses malformed values', () => {
    assert.deepEqual(parseLrsIdentity('spiffe://td/ns/a/sa/b=payments, checkout-*'), { identity: 'spiffe://td/ns/a/sa/b', clusters: ['payments', 'checkout-*'] });
    assert.throws(() => parseLrsIdentity('payments'), /expected IDENTITY=CLUSTER/);
    assert.throws(() => parseLrsIdentity('spiffe://x='), /expected IDENTITY=CLUSTER/);
  });
});
