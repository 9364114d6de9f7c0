import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { NO_DECISIONS } from '../../../api/decisions.ts';
import { buildMeshModel } from '../../../xds-server/model/build-mesh-model.ts';
import { EndpointSelector } from '../../../scorer/select/endpoint-selector.ts';
import { addSelectService, loadSelectPackage, type SelectEndpointResponse } from '../../../scorer/select/grpc-select-service.ts';
import { createSelectHttpHandler } from '../../../scorer/select/http-select-handler.ts';
import { endpoint, meshConfig, service } from '../../support/config-builders.ts';

const TOKEN = 's3cret';
const config = meshConfig(service('echo', { endpoints: [endpoint('10.0.0.1', 80, { hostname: 'a.echo.example' })] }));
const selector = () => new EndpointSelector({ model: () => buildMeshModel(config, NO_DECISIONS, 0), rng: () => 0 });

describe('smart endpoint API servers', () => {
  describe('gRPC', () => {
    let server: grpc.Server;
    let client: InstanceType<grpc.ServiceClientConstructor>;

    before(async () => {
      server = new grpc.Server();
      addSelectService(server, selector(), { token: TOKEN });
      const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
      );
      const Ctor = loadSelectPackage().prescient.select.v1.EndpointSelector;
      client = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });
    after(() => {
      client.close();
      server.forceShutdown();
    });

    const call = (service: string, token?: string) =>
      new Promise<SelectEndpointResponse>((resolve, reject) => {
        const md = new grpc.Metadata();
        if (token) md.set('authorization', `Bearer ${token}`);
        client.SelectEndpoint!({ service, client_network: '' }, md, (err: grpc.ServiceError | null, res: SelectEndpointResponse) =>
          err ? reject(err) : resolve(res),
        );
      });

    it('answers SelectEndpoint with address, port and DNS name', async () => {
      const res = await call('echo', TOKEN);
      assert.equal(res.address, '10.0.0.1');
      assert.equal(res.port, 80);
      assert.equal(res.dns_name, 'a.echo.example');
    });

    it('answers NOT_FOUND for an unknown service and UNAUTHENTICATED without the token', async () => {
      await assert.rejects(call('nope', TOKEN), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND && /SELECT_NOT_FOUND/.test(e.details));
      await assert.rejects(call('echo'), (e: grpc.ServiceError) => e.code === grpc.status.UNAUTHENTICATED);
    });
  });

  describe('HTTP JSON', () => {
    let server: Server;
    let base: string;

    before(async () => {
      const handle = createSelectHttpHandler(selector(), { token: TOKEN });
      server = createServer((req, res) => {
        if (!handle(req, res)) res.writeHead(404).end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    const auth = { authorization: `Bearer ${TOKEN}` };

    it('GET /v1/select returns the chosen endpoint', async () => {
      const res = await fetch(`${base}/v1/select?service=echo&network=east`, { headers: auth });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { address: string; port: number; dnsName: string };
      assert.deepEqual([body.address, body.port, body.dnsName], ['10.0.0.1', 80, 'a.echo.example']);
    });

    it('maps errors to 404, 400 and 401 with a stable code', async () => {
      const notFound = await fetch(`${base}/v1/select?service=nope`, { headers: auth });
      assert.equal(notFound.status, 404);
      assert.equal(((await notFound.json()) as { error: { code: string } }).error.code, 'SELECT_NOT_FOUND');
      assert.equal((await fetch(`${base}/v1/select`, { headers: auth })).status, 400);
      assert.equal((await fetch(`${base}/v1/select?service=echo`)).status, 401);
      assert.equal((await fetch(`${base}/elsewhere`)).status, 404);
    });
  });
});
