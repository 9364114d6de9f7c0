import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import client from 'prom-client';
import { AdminServer, splitHostPort } from '../../../xds-server/admin/admin-server.ts';
import { mountDebugPages } from '../../../xds-server/admin/debug-pages.ts';
import { ResourceCache } from '../../../xds-server/cache/resource-cache.ts';
import { silentLogger } from '../../../xds-server/log.ts';

const TOKEN = 's3cret-token';

interface Started {
  admin: AdminServer;
  port: number;
  ready: { value: boolean };
}

/** An AdminServer with the real debug pages over an empty cache, plus a route that throws. */
async function start(bearerToken?: string): Promise<Started> {
  const admin = new AdminServer({ address: '127.0.0.1:0', bearerToken, logger: silentLogger });
  const ready = { value: true };
  mountDebugPages(admin, {
    metrics: new client.Registry(),
    ready: () => ready.value,
    cache: new ResourceCache(),
    clients: () => [],
    config: () => ({ documents: 0 }),
    scorer: () => undefined,
    weights: () => [],
    modules: () => ({}),
  });
  admin.get('/debug/broken', () => {
    throw new Error('the page exploded');
  });
  return { admin, port: await admin.listen(), ready };
}

function request(port: number, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${path}`, init);
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('AdminServer', () => {
  describe('with a bearer token', () => {
    let s: Started;
    before(async () => {
      s = await start(TOKEN);
    });
    after(() => s.admin.close());

    it('answers /healthz and /readyz without a token, so probes need no secret', async () => {
      const health = await request(s.port, '/healthz');
      assert.equal(health.status, 200);
      assert.equal(await health.text(), 'ok\n');
      assert.equal((await request(s.port, '/readyz')).status, 200);
    });

    it('answers every other path, known or not, with 401 and WWW-Authenticate: Bearer when the token is missing', async () => {
      for (const path of ['/metrics', '/debug/config', '/debug/config_dump', '/debug/clients', '/no/such/page']) {
        const res = await request(s.port, path);
        assert.equal(res.status, 401, path);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer', path);
        assert.match(((await res.json()) as { error: string }).error, /bearer token/);
      }
    });

    it('refuses a wrong token, a bare token and another scheme', async () => {
      for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, TOKEN, `Basic ${TOKEN}`, 'Bearer ']) {
        const res = await request(s.port, '/debug/config', { headers: { authorization } });
        assert.equal(res.status, 401, authorization);
      }
    });

    it('serves the pages with the right token, whatever the case of the scheme', async () => {
      assert.equal((await request(s.port, '/debug/config', bearer(TOKEN))).status, 200);
      assert.equal((await request(s.port, '/debug/config', { headers: { authorization: `bearer ${TOKEN}` } })).status, 200);
    });

    it('answers 404 for an unknown path once authenticated', async () => {
      const res = await request(s.port, '/debug/nothing', bearer(TOKEN));
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { error: 'no such path /debug/nothing' });
    });

    it('answers 405 with an Allow header for a method other than GET or HEAD', async () => {
      const res = await request(s.port, '/debug/config', { method: 'POST', body: '{}', ...bearer(TOKEN) });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
      const head = await request(s.port, '/debug/config', { method: 'HEAD', ...bearer(TOKEN) });
      assert.equal(head.status, 200);
    });

    it('answers 500 with the error when a page throws, and keeps serving', async () => {
      const res = await request(s.port, '/debug/broken', bearer(TOKEN));
      assert.equal(res.status, 500);
      assert.deepEqual(await res.json(), { error: 'the page exploded' });
      assert.equal((await request(s.port, '/healthz')).status, 200);
    });

    it('reports not ready with 503 until the xDS server listens', async () => {
      s.ready.value = false;
      try {
        const res = await request(s.port, '/readyz');
        assert.equal(res.status, 503);
        assert.match(await res.text(), /not ready/);
      } finally {
        s.ready.value = true;
      }
    });
  });

  describe('without a bearer token', () => {
    let s: Started;
    before(async () => {
      s = await start();
    });
    after(() => s.admin.close());

    it('serves every page openly', async () => {
      for (const path of ['/healthz', '/metrics', '/debug/config', '/debug/clients', '/debug/config_dump']) {
        assert.equal((await request(s.port, path)).status, 200, path);
      }
    });

    it('binds only the loopback address it is given', async function () {
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal);
      if (!external) this.skip();
      const outcome = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: external!.address, port: s.port });
        socket.once('connect', () => (socket.destroy(), resolve('connected')));
        socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });
      assert.equal(outcome, 'ECONNREFUSED', `port ${s.port} must not be reachable on ${external!.address}`);
    });
  });

  it('parses host:port and [IPv6]:port listen addresses and names the expected form otherwise', () => {
    assert.deepEqual(splitHostPort('127.0.0.1:9901'), { host: '127.0.0.1', port: 9901 });
    assert.deepEqual(splitHostPort('[::1]:9901'), { host: '::1', port: 9901 });
    assert.deepEqual(splitHostPort('0.0.0.0:0'), { host: '0.0.0.0', port: 0 });
    assert.throws(() => splitHostPort('9901'), /invalid listen address "9901": expected host:port, e\.g\. 127\.0\.0\.1:9901/);
    assert.throws(() => splitHostPort('localhost:http'), /invalid listen address/);
  });

  it('rejects listen() on an address already in use', async () => {
    const first = new AdminServer({ address: '127.0.0.1:0', logger: silentLogger });
    const port = await first.listen();
    try {
      const second = new AdminServer({ address: `127.0.0.1:${port}`, logger: silentLogger });
      await assert.rejects(second.listen(), { code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});
