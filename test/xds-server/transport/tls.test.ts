import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { RawXdsClient } from '../../support/raw-ads-client.ts';
import { renderedSet, service } from '../../support/resource-builders.ts';
import { envoyNode, startHarness, type Harness } from './harness.ts';

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makePki(dir: string): void {
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
  for (const name of ['server', 'client']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    fs.writeFileSync(path.join(dir, `${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
  }
}

describe('TLS and mTLS', () => {
  let dir: string;
  let h: Harness;
  const file = (n: string): string => path.join(dir, n);
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prescient-tls-'));
    makePki(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    h = await startHarness({ tls: { certFile: file('server.crt'), keyFile: file('server.key'), caFile: file('ca.crt'), requireClientCert: true } });
    h.cache.publish('envoy', renderedSet(...service('a')));
  });
  afterEach(() => h.stop());

  it('serves a client presenting a certificate signed by the CA', async () => {
    const creds = grpc.credentials.createSsl(fs.readFileSync(file('ca.crt')), fs.readFileSync(file('client.key')), fs.readFileSync(file('client.crt')));
    const client = new RawXdsClient(h.address, creds);
    try {
      const s = client.sotw();
      s.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
      assert.deepEqual((await s.next()).resources.map((r) => r.name), ['a']);
    } finally {
      client.close();
    }
  });

  it('refuses a client without a certificate', async () => {
    const client = new RawXdsClient(h.address, grpc.credentials.createSsl(fs.readFileSync(file('ca.crt'))));
    try {
      const s = client.sotw();
      s.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
      const status = await s.status;
      assert.equal(status.code, grpc.status.UNAVAILABLE);
    } finally {
      client.close();
    }
  });
});
