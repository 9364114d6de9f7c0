import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { loadSelectPackage } from '../../../scorer/select/grpc-select-service.ts';
import { PrescientHarness } from '../../support/prescient-harness.ts';

describe('SelectEndpoint on the xDS port honours the admin token', () => {
  let h: PrescientHarness;
  before(async () => {
    h = await PrescientHarness.start([{ kind: 'Service', name: 'web', spec: { protocol: 'grpc', endpoints: [{ address: '10.0.0.1', port: 80 }] } }], { adminToken: 's3cret' });
  });
  after(() => h.stop());

  function select(token?: string): Promise<{ code: number; address?: string }> {
    const Client = loadSelectPackage().prescient.select.v1.EndpointSelector;
    const client = new Client(`127.0.0.1:${h.xdsPort}`, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    if (token) metadata.set('authorization', `Bearer ${token}`);
    return new Promise((resolve) =>
      (client as any).SelectEndpoint({ service: 'web' }, metadata, (err: grpc.ServiceError | null, res: { address: string }) => {
        client.close();
        resolve(err ? { code: err.code } : { code: grpc.status.OK, address: res.address });
      }),
    );
  }

  it('refuses a call without the token or with a wrong one, and answers with it', async () => {
    assert.equal((await select()).code, grpc.status.UNAUTHENTICATED);
    assert.equal((await select('wrong')).code, grpc.status.UNAUTHENTICATED);
    assert.deepEqual(await select('s3cret'), { code: grpc.status.OK, address: '10.0.0.1' });
  });
});
