/**
 * The capture sink with real clients: node's HTTP/2 client, a real gRPC client (@grpc/grpc-js)
 * and HTTP/1.1 send 20,000+ requests; every request is answered, and the records written plus the
 * records shed account for every one of them exactly; credentials never reach the disk and hashed
 * headers are linkable but unreadable; with tiny limits the store stays within its files and its
 * queue while shedding, and counts what it shed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { systemClock } from '../../api/clock.ts';
import type { CaptureRecord } from '../../xds-server/capture/capture-record.ts';
import { CaptureModule } from '../../xds-server/app/capture-module.ts';
import { silentLogger } from '../../xds-server/log.ts';
import { passthrough } from '../support/backend-servers.ts';
import { eventually } from '../support/eventually.ts';
import { PrescientHarness } from '../support/prescient-harness.ts';

const HEADERS = { authorization: 'Bearer secret-token', cookie: 'session=abc', 'x-user': 'alice', 'x-secret': 'do-not-store', 'x-keep': 'visible' };

async function http2Flood(port: number, n: number, concurrency: number): Promise<number> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  let ok = 0;
  let issued = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = session.request({ ':method': 'POST', ':path': `/orders/${issued}?q=1`, ':authority': 'shop-shadow', ...HEADERS });
      req.on('response', (h) => {
        if (h[':status'] === 200) ok++;
      });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.resume();
      req.end(Buffer.from('{"item":"book","qty":1}'));
    });
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (issued < n) {
      issued++;
      await one();
    }
  }));
  session.close();
  return ok;
}

async function grpcFlood(port: number, n: number, concurrency: number): Promise<number> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  let ok = 0;
  let issued = 0;
  const md = new grpc.Metadata();
  md.set('x-user', 'bob');
  md.set('authorization', 'Bearer grpc-secret');
  const one = () =>
    new Promise<void>((resolve) => {
      client.makeUnaryRequest('/shop.Orders/Place', passthrough.serialize, passthrough.deserialize, Buffer.from('order-bytes'), md, { deadline: Date.now() + 10_000 }, (err) => {
        if (!err) ok++;
        resolve();
      });
    });
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (issued < n) {
      issued++;
      await one();
    }
  }));
  client.close();
  return ok;
}

async function http1Requests(port: number, n: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 5 });
  let ok = 0;
  await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/v1/items', headers: { host: 'items-shadow', ...HEADERS }, agent }, (res) => {
      if (res.statusCode === 200) ok++;
      res.resume().on('end', resolve);
    });
    req.on('error', () => resolve());
    req.end('payload');
  })));
  agent.destroy();
  return ok;
}

async function readRecords(dir: string): Promise<CaptureRecord[]> {
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
  const out: CaptureRecord[] = [];
  for (const f of files) for (const line of (await fs.readFile(path.join(dir, f), 'utf8')).split('\n')) if (line) out.push(JSON.parse(line));
  return out;
}

describe('e2e: capture sink', function () {
  this.timeout(180_000);
  const dirs: string[] = [];
  const tmp = async () => {
    const d = await fs.mkdtemp(path.join(os.tmpdir(), 'prescient-capture-'));
    dirs.push(d);
    return d;
  };
  after(async () => {
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });

  it('records every one of 20,000 HTTP/2 and gRPC requests (written + shed = sent), anonymised', async () => {
    const dir = await tmp();
    const h = await PrescientHarness.start([{ kind: 'Service', name: 'shop', spec: { protocol: 'http2', endpoints: [{ address: '127.0.0.1', port: 1 }] } }], {
      capture: { address: '127.0.0.1:0', dir, hash: ['x-user'], drop: ['x-secret'], bodyPrefixBytes: 8 },
    });
    try {
      const port = h.prescient.capturePort;
      assert.ok(port > 0);
      const [h2ok, grpcOk, h1ok] = await Promise.all([http2Flood(port, 10_000, 50), grpcFlood(port, 10_000, 50), http1Requests(port, 200)]);
      assert.deepEqual([h2ok, grpcOk, h1ok], [10_000, 10_000, 200], 'every request answered');
      const sent = 20_200;
      await eventually(async () => {
        const s = await h.adminJson('/debug/capture');
        return s.written + s.shed === sent && s.queued === 0;
      }, 10_000, 50, 'every request accounted for');
      const status = await h.adminJson('/debug/capture');
      const records = await readRecords(dir);
      assert.equal(records.length, status.written, 'the files hold exactly what was counted as written');
      assert.equal(records.length + status.shed, sent);
      console.log(`      capture: ${status.written} written, ${status.shed} shed, queue high water ${status.queuedHighWater}`);
      const metrics = (await h.admin('/metrics')).body;
      assert.match(metrics, new RegExp(`^prescient_capture_records_written_total ${status.written}$`, 'm'));
      assert.match(metrics, /^prescient_capture_requests_total\{protocol="grpc"\} 10000$/m);

      const byProtocol = (p: string) => records.filter((r) => r.protocol === p);
      assert.equal(byProtocol('h2').length + byProtocol('grpc').length + byProtocol('http/1.1').length, records.length);
      for (const r of records) {
        for (const name of ['authorization', 'cookie', 'x-secret']) assert.equal(r.headers[name], undefined, `${name} must never be stored`);
        assert.match(r.headers['x-user']!, /^hmac:[0-9a-f]{16}$/);
        assert.equal(r.v, 1);
      }
      const h2 = byProtocol('h2')[0]!;
      assert.deepEqual([h2.authority, h2.method, h2.headers['x-keep'], h2.requestBytes, Buffer.from(h2.bodyPrefix!, 'base64').toString()], ['shop-shadow', 'POST', 'visible', 23, '{"item":']);
      assert.match(h2.path, /^\/orders\/\d+\?q=1$/);
      const g = byProtocol('grpc')[0]!;
      assert.deepEqual([g.grpcMethod, g.path, g.requestBytes], ['shop.Orders/Place', '/shop.Orders/Place', 5 + 'order-bytes'.length]);
      const h1 = byProtocol('http/1.1')[0];
      if (h1) assert.deepEqual([h1.authority, h1.method, h1.path], ['items-shadow', 'PUT', '/v1/items']);
      // Equal values hash equally (linkable), different values differently.
      assert.equal(new Set(byProtocol('h2').map((r) => r.headers['x-user'])).size, 1);
      assert.notEqual(byProtocol('h2')[0]!.headers['x-user'], g.headers['x-user']);
    } finally {
      await h.stop();
    }
  });

  it('with tiny limits sheds instead of blocking, counts every shed record, and keeps to its files and queue', async () => {
    const dir = await tmp();
    const maxFileBytes = 64 * 1024;
    const capture = new CaptureModule({ address: '127.0.0.1:0', dir, maxFileBytes, maxFiles: 3, maxQueued: 50 }, { clock: systemClock, logger: silentLogger });
    await capture.start();
    try {
      const [h2ok, grpcOk] = await Promise.all([http2Flood(capture.port, 10_000, 100), grpcFlood(capture.port, 10_000, 100)]);
      assert.deepEqual([h2ok, grpcOk], [10_000, 10_000], 'every request answered even while shedding');
      await capture.store.flush();
      const s = capture.status();
      console.log(`      tiny capture: ${s.written} written, ${s.shed} shed, queue high water ${s.queuedHighWater}, ${s.files} files`);
      assert.equal(s.written + s.shed, 20_000);
      assert.ok(s.shed > 0, 'the test must overload the store');
      assert.ok(s.queuedHighWater <= 50);
      const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.jsonl'));
      assert.ok(files.length <= 3, `${files.length} files`);
      let bytes = 0;
      for (const f of files) bytes += (await fs.stat(path.join(dir, f))).size;
      assert.ok(bytes <= 3 * (maxFileBytes + 4096), `${bytes} bytes on disk`);
      const records = await readRecords(dir);
      assert.ok(records.length < s.written, 'old files were rotated away');
      assert.equal((await capture.metrics.shed.get()).values[0]!.value, s.shed);
    } finally {
      await capture.stop();
    }
  });
});
