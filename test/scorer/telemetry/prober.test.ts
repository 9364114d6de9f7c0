import assert from 'node:assert/strict';
import { eventually } from '../../support/eventually.ts';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import { Prober } from '../../../scorer/telemetry/prober.ts';
import type { Timers } from '../../../scorer/telemetry/timers.ts';
import { BackendServer } from '../../support/backend-servers.ts';

async function listen(server: http.Server | net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: http.Server | net.Server): Promise<void> {
  if (server instanceof http.Server) server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A port nothing listens on: bound once, then released. */
async function deadEndpoint(): Promise<string> {
  const s = net.createServer();
  const ep = await listen(s);
  await close(s);
  return ep;
}

/** A fixed observation time keeps every probe of a test in one bucket, whatever the wall clock does. */
const fixedClock = { now: () => 1_700_000_000_000 };

describe('Prober', () => {
  let store: RingFeatureStore;
  let prober: Prober;
  beforeEach(() => {
    store = new RingFeatureStore();
  });
  afterEach(async () => {
    await prober?.stop();
  });

  describe('gRPC health checks against real gRPC servers', () => {
    let fast: BackendServer;
    let slow: BackendServer;
    beforeEach(async () => {
      fast = new BackendServer('fast');
      slow = new BackendServer('slow');
      await Promise.all([fast.start(), slow.start()]);
      slow.faults.latencyMs = 80;
    });
    afterEach(async () => {
      await Promise.all([fast.stop(), slow.stop()]);
    });

    it('measures the latency a slow server injects, and jitter between probes', async () => {
      prober = new Prober({ store, timeoutMs: 2000 });
      prober.setTargets([
        { service: 'greeter', endpoint: fast.endpoint, kind: 'grpc' },
        { service: 'greeter', endpoint: slow.endpoint, kind: 'grpc' },
      ]);
      await prober.probeAll();
      await prober.probeAll();
      const slowLatency = store.latest('greeter', slow.endpoint, 'latency_ms')!.value;
      const fastLatency = store.latest('greeter', fast.endpoint, 'latency_ms')!.value;
      assert.ok(slowLatency >= 80, `slow endpoint measured ${slowLatency} ms, injected 80 ms`);
      assert.ok(fastLatency < slowLatency, `fast ${fastLatency} ms vs slow ${slowLatency} ms`);
      assert.equal(store.latest('greeter', slow.endpoint, 'loss')?.value, 0);
      assert.ok(store.latest('greeter', slow.endpoint, 'jitter_ms')!.value >= 0);
    });

    it('records loss for a stopped server and for one failing its health check', async () => {
      prober = new Prober({ store, timeoutMs: 1000, clock: fixedClock });
      prober.setTargets([
        { service: 'greeter', endpoint: fast.endpoint, kind: 'grpc' },
        { service: 'greeter', endpoint: slow.endpoint, kind: 'grpc' },
      ]);
      await prober.probeAll();
      await fast.stop();
      slow.faults.latencyMs = 0;
      slow.faults.failFast = true;
      await prober.probeAll();
      assert.equal(store.latest('greeter', fast.endpoint, 'loss')?.value, 0.5, 'one of two probes in the bucket lost');
      assert.equal(store.latest('greeter', slow.endpoint, 'loss')?.value, 0.5);
    });

    it('counts a deadline as loss', async () => {
      slow.faults.latencyMs = 500;
      prober = new Prober({ store, timeoutMs: 100 });
      prober.setTargets([{ service: 'greeter', endpoint: slow.endpoint, kind: 'grpc' }]);
      await prober.probeAll();
      assert.equal(store.latest('greeter', slow.endpoint, 'loss')?.value, 1);
      assert.equal(store.latest('greeter', slow.endpoint, 'latency_ms'), undefined);
    });
  });

  describe('HTTP GET and TCP connect against real servers', () => {
    let server: http.Server;
    let endpoint: string;
    beforeEach(async () => {
      server = http.createServer((req, res) => {
        const delay = req.url === '/slow' ? 60 : 0;
        setTimeout(() => {
          res.writeHead(req.url === '/broken' ? 503 : 200);
          res.end('ok');
        }, delay);
      });
      endpoint = await listen(server);
    });
    afterEach(async () => {
      if (server.listening) await close(server);
    });

    it('measures HTTP latency per path and fails non-2xx answers', async () => {
      prober = new Prober({ store });
      prober.setTargets([
        { service: 'web', endpoint, kind: 'http', path: '/slow' },
        { service: 'broken', endpoint, kind: 'http', path: '/broken' },
      ]);
      await prober.probeAll();
      assert.ok(store.latest('web', endpoint, 'latency_ms')!.value >= 60);
      assert.equal(store.latest('broken', endpoint, 'loss')?.value, 1);
    });

    it('records loss once the HTTP server is gone', async () => {
      prober = new Prober({ store, timeoutMs: 500, clock: fixedClock });
      prober.setTargets([{ service: 'web', endpoint, kind: 'http', path: '/' }]);
      await prober.probeAll();
      await close(server);
      await prober.probeAll();
      await prober.probeAll();
      assert.ok(Math.abs(store.latest('web', endpoint, 'loss')!.value - 2 / 3) < 1e-6);
    });

    it('connects over TCP, and loses probes to a closed port', async () => {
      const dead = await deadEndpoint();
      prober = new Prober({ store });
      prober.setTargets([
        { service: 'db', endpoint, kind: 'tcp' },
        { service: 'db', endpoint: dead, kind: 'tcp' },
      ]);
      await prober.probeAll();
      assert.equal(store.latest('db', endpoint, 'loss')?.value, 0);
      assert.ok(store.latest('db', endpoint, 'latency_ms')!.value >= 0);
      assert.equal(store.latest('db', dead, 'loss')?.value, 1);
    });

    it('skips a target it cannot parse and keeps probing the others', async () => {
      prober = new Prober({ store });
      prober.setTargets([
        { service: 'db', endpoint: 'not-an-endpoint', kind: 'tcp' },
        { service: 'db', endpoint, kind: 'tcp' },
      ]);
      assert.equal(prober.targetCount, 1);
      await prober.probeAll();
      assert.deepEqual(store.endpoints('db'), [endpoint]);
    });
  });

  describe('schedule', () => {
    /** Timers fired by the test: the prober's loop advances only when told. */
    class ManualTimers implements Timers {
      pending = new Map<number, { fn: () => void; ms: number }>();
      private next = 0;
      setTimeout(fn: () => void, ms: number): unknown {
        this.pending.set(++this.next, { fn, ms });
        return this.next;
      }
      clearTimeout(handle: unknown): void {
        this.pending.delete(handle as number);
      }
      fire(): void {
        const all = [...this.pending.values()];
        this.pending.clear();
        for (const t of all) t.fn();
      }
    }

    it('spreads first probes, bounds concurrency and re-probes one interval after each start', async () => {
      let concurrent = 0;
      let maxConcurrent = 0;
      const hits: string[] = [];
      const held: (() => void)[] = [];
      const server = http.createServer((req, res) => {
        hits.push(req.url!);
        maxConcurrent = Math.max(maxConcurrent, ++concurrent);
        held.push(() => {
          concurrent--;
          res.end('ok');
        });
      });
      const endpoint = await listen(server);
      const timers = new ManualTimers();
      const clock = { t: 1_000_000, now: () => clock.t };
      try {
        prober = new Prober({ store, clock, timers, intervalMs: 1000, timeoutMs: 1000, concurrency: 2 });
        prober.start();
        prober.setTargets([0, 1, 2, 3, 4].map((i) => ({ service: 'web', endpoint, kind: 'http' as const, path: `/${i}` })));
        await eventually(() => hits.length === 1, 5000, 5);
        assert.deepEqual(hits, ['/0'], 'only the first target is due at once; the others are spread over the interval');
        assert.deepEqual([...timers.pending.values()].map((t) => t.ms), [200]);

        clock.t += 900;
        timers.fire();
        await eventually(() => hits.length === 2, 5000, 5);
        await new Promise((r) => setTimeout(r, 50));
        assert.equal(hits.length, 2, 'two probes in flight: the concurrency bound holds the rest');
        while (hits.length < 5 || held.length > 0) {
          held.shift()?.();
          await new Promise((r) => setTimeout(r, 5));
        }
        assert.equal(maxConcurrent, 2);
        assert.deepEqual([...hits].sort(), ['/0', '/1', '/2', '/3', '/4']);
        const due = Math.min(...[...timers.pending.values()].map((t) => t.ms));
        assert.equal(due, 100, 'target 0 started at t0: due again at t0 + 1000, now is t0 + 900');
      } finally {
        await prober.stop();
        await close(server);
      }
    });
  });
});

