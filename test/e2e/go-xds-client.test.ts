/**
 * A second, independent proxyless gRPC client: grpc-go's xDS client (google.golang.org/grpc/xds),
 * which validates resources more strictly than grpc-js-xds in places. The Go program in
 * test/interop/go-xds-client sends real RPCs to real backends, configured only through a running
 * Prescient; scripts/build-interop.sh builds it (a no-op when it is up to date).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startBackends, type BackendServer } from '../support/backend-servers.ts';
import { PrescientHarness, type DocSpec } from '../support/prescient-harness.ts';
import { eventually } from '../support/eventually.ts';
import { backendService } from '../support/meshes.ts';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BINARY = path.join(root, 'test/interop/go-xds-client/bin/go-xds-client');
/** The xDS types a proxyless gRPC client subscribes to for one xds:/// target. */
const TYPES = ['lds', 'rds', 'cds', 'eds'];

/** One JSON line of the Go client: answers per backend id, failures per gRPC code name. */
interface GoTally {
  backends: Record<string, number>;
  errors: Record<string, number>;
  errorMessages: Record<string, string>;
}

function share(t: GoTally, id: string): number {
  const total = Object.values(t.backends).reduce((a, b) => a + b, 0);
  return (t.backends[id] ?? 0) / total;
}

function assertNoErrors(t: GoTally): void {
  assert.deepEqual(t.errors, {}, `grpc-go RPCs failed: ${JSON.stringify(t.errorMessages)}`);
}

describe('e2e: grpc-go xDS client served by Prescient', function () {
  this.timeout(60_000);
  let backends: BackendServer[];
  let h: PrescientHarness;
  let nodeSeq = 0;

  const clientArgs = (target: string, nodeId: string) => [
    '-xds-server', `127.0.0.1:${h.xdsPort}`,
    '-node-id', nodeId,
    '-target', target,
  ];
  const nextNodeId = () => `go-xds-client-${process.pid}-${++nodeSeq}`;

  /** Runs the Go client for `rpcs` calls and returns its tally. */
  async function spread(target: string, rpcs: number): Promise<GoTally> {
    const { stdout } = await run(BINARY, [...clientArgs(target, nextNodeId()), '-rpcs', String(rpcs), '-concurrency', '20'], { timeout: 45_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as GoTally;
  }

  before(async function () {
    // The first build fetches the pinned Go modules and compiles grpc-go: minutes, not seconds.
    this.timeout(600_000);
    await run('bash', [path.join(root, 'scripts/build-interop.sh')], { timeout: 590_000 });
    backends = await startBackends(['a1', 'a2', 'stable', 'canary']);
    const [a1, a2, stable, canary] = backends as [BackendServer, BackendServer, BackendServer, BackendServer];
    h = await PrescientHarness.start(
      [
        backendService('alpha', [{ server: a1, weight: 1 }, { server: a2, weight: 3 }]),
        backendService('stable', [{ server: stable, weight: 1 }]),
        backendService('canary', [{ server: canary, weight: 1 }]),
        {
          kind: 'Route',
          name: 'split',
          spec: { hosts: ['split'], rules: [{ backends: [{ service: 'canary', weight: 1 }, { service: 'stable', weight: 3 }], timeout: '5s' }] },
        },
      ],
      { scorer: false },
    );
  });

  after(async () => {
    await h?.stop();
    await Promise.all((backends ?? []).map((b) => b.stop()));
  });

  it('splits 2,000 RPCs 1:3 between weighted clusters of a route (±5 points)', async () => {
    const t = await spread('xds:///split', 2000);
    assertNoErrors(t);
    const canaryShare = share(t, 'canary');
    assert.ok(Math.abs(canaryShare - 0.25) <= 0.05, `canary share ${canaryShare.toFixed(3)} not within 0.25 ± 0.05: ${JSON.stringify(t)}`);
  });

  it('honours endpoint weights 1:3 inside one cluster (±5 points)', async () => {
    const t = await spread('xds:///alpha', 2000);
    assertNoErrors(t);
    const a1Share = share(t, 'a1');
    assert.ok(Math.abs(a1Share - 0.25) <= 0.05, `a1 share ${a1Share.toFixed(3)} not within 0.25 ± 0.05: ${JSON.stringify(t)}`);
  });

  it("shows the Go client's stream on /debug/clients with every type ACKed and no NACK", async () => {
    const nodeId = nextNodeId();
    // Continuous mode keeps the stream open while the admin page is read; it stops by itself.
    const child = spawn(BINARY, [...clientArgs('xds:///split', nodeId), '-seconds', '20', '-concurrency', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: GoTally[] = [];
    let stderr = '';
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line) as GoTally));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      let stream: any;
      // Settled once a type is NACKed (a NACKed RDS means CDS and EDS are never asked for) or
      // every type has an answer with no ACK pending and the client has printed a second.
      const settled = () =>
        stream !== undefined &&
        (stream.types.some((s: any) => s.lastNack !== undefined) ||
          (lines.length > 0 &&
            TYPES.every((type) => {
              const s = stream.types.find((x: any) => x.type === type);
              return s?.lastSent !== undefined && s.pendingNonce === undefined;
            })));
      await eventually(async () => {
        const { clients } = await h.adminJson('/debug/clients');
        stream = clients.find((c: any) => c.nodeId === nodeId);
        return settled();
      }, 15_000).catch((err: Error) => {
        throw new Error(`${err.message}; stream: ${JSON.stringify(stream)}; client stderr: ${stderr}`);
      });
      assert.equal(stream.flavor, 'grpc', 'grpc-go should get the gRPC rendering');
      for (const s of stream.types) assert.equal(s.lastNack, undefined, `grpc-go NACKed ${s.type}: ${s.lastNack?.message}`);
      for (const type of TYPES) {
        const s = stream.types.find((x: any) => x.type === type);
        assert.equal(s.nackCount, 0, `grpc-go NACKed ${type} ${s.nackCount} time(s)`);
        assert.equal(s.ackedVersion, s.lastSent.version, `${type} version ${s.lastSent.version} is not ACKed`);
      }
      const last = lines.at(-1)!;
      assertNoErrors(last);
      assert.ok((last.backends['stable'] ?? 0) + (last.backends['canary'] ?? 0) > 0, `no answers in a second: ${JSON.stringify(last)}`);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
