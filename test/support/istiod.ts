/**
 * A real istiod (`pilot-discovery`, built from istio.io/istio by `scripts/build-k8s-tools.sh`) for
 * tests: against a real API server (KubeCluster; istiod panics without one), on free loopback
 * ports, plaintext gRPC for its Envoy clients, with a mesh config whose only config source is the
 * given `xds://` address (Prescient). Settings are the ones ../shared RECIPES found working: no CA,
 * no analysis, no webhooks, no Gateway API, and no metadata-exchange/ALPN filters (a plain Envoy
 * has no Istio extensions). Ready when its /ready answers 200, which needs every config type
 * synced from the config source. Stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { freePort } from './free-port.ts';
import { stopChild } from './stop-child.ts';

const TOOLS_BIN = join(process.env.PRESCIENT_TOOLS_DIR ?? join(homedir(), '.cache/prescient/tools'), 'bin');
export const PILOT_DISCOVERY_BIN = process.env.PILOT_DISCOVERY_BIN ?? join(TOOLS_BIN, 'pilot-discovery');

export interface IstiodOptions {
  kubeconfigPath: string;
  /** `host:port` of the MCP-over-xDS config source. */
  configSource: string;
  /** Extra mesh config fields. */
  mesh?: Record<string, unknown>;
  /** Extra environment (feature flags). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

export class Istiod {
  private log = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    /** Plaintext xDS for Envoy clients. */
    readonly grpcPort: number,
    /** Debug and readiness HTTP (/ready, /debug/configz, /debug/adsz). */
    readonly httpPort: number,
    readonly monitoringPort: number,
  ) {
    const keep = (c: Buffer) => {
      this.log = (this.log + c.toString()).slice(-200_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
  }

  static async start(o: IstiodOptions): Promise<Istiod> {
    if (!existsSync(PILOT_DISCOVERY_BIN)) throw new Error(`${PILOT_DISCOVERY_BIN} is not installed; run scripts/build-k8s-tools.sh`);
    const dir = await mkdtemp(join(tmpdir(), 'prescient-istiod-'));
    const [grpcPort, httpPort, monitoringPort] = [await freePort(), await freePort(), await freePort()];
    const mesh = {
      configSources: [{ address: `xds://${o.configSource}` }],
      enableAutoMtls: false,
      rootNamespace: 'istio-system',
      defaultConfig: { discoveryAddress: `127.0.0.1:${grpcPort}` },
      ...o.mesh,
    };
    await writeFile(join(dir, 'mesh.yaml'), YAML.stringify(mesh));
    const args = [
      'discovery',
      '--kubeconfig', o.kubeconfigPath,
      '--meshConfig', join(dir, 'mesh.yaml'),
      '--networksConfig', join(dir, 'no-networks.yaml'),
      '--httpAddr', `127.0.0.1:${httpPort}`,
      '--grpcAddr', `127.0.0.1:${grpcPort}`,
      '--secureGRPCAddr', '',
      '--httpsAddr', '',
      '--monitoringAddr', `127.0.0.1:${monitoringPort}`,
      '--domain', 'cluster.local',
      '--log_output_level', 'default:info,adsc:info',
    ];
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      POD_NAMESPACE: 'istio-system',
      POD_NAME: 'istiod-test',
      ENABLE_CA_SERVER: 'false',
      PILOT_ENABLE_ANALYSIS: 'false',
      INJECTION_WEBHOOK_CONFIG_NAME: '',
      VALIDATION_WEBHOOK_CONFIG_NAME: '',
      PILOT_ENABLE_GATEWAY_API: 'false',
      PILOT_ENABLE_METADATA_EXCHANGE: 'false',
      PILOT_ENABLE_ALPN_FILTER: 'false',
      ...o.env,
    };
    const child = spawn(PILOT_DISCOVERY_BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const istiod = new Istiod(child, dir, grpcPort, httpPort, monitoringPort);
    try {
      await istiod.waitReady(o.readyTimeoutMs ?? 45_000);
    } catch (err) {
      await istiod.stop();
      throw err;
    }
    return istiod;
  }

  /** istiod's own output (the last 200 KB), for failure messages. */
  output(): string {
    return this.log;
  }

  async get(pathname: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}${pathname}`);
    return { status: res.status, body: await res.text() };
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`istiod exited (${this.child.exitCode}) before it was ready:\n${this.log.slice(-6000)}`);
      const res = await this.get('/ready').catch((e: Error) => ({ status: 0, body: e.message }));
      if (res.status === 200) return;
      last = `${res.status} ${res.body.slice(0, 200)}`;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`istiod not ready after ${timeoutMs} ms (last /ready: ${last}):\n${this.log.slice(-6000)}`);
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
    await rm(this.dir, { recursive: true, force: true });
  }
}
