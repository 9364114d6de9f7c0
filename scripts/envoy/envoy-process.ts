/**
 * A real Envoy 1.40 for tests and bench:xds: started on loopback with a bootstrap rendered from the shipped one
 * (its own base id, admin on a port it picks and writes to a file), ready once its admin says
 * LIVE (initial listeners and clusters received from Prescient and warmed), read through its admin
 * API (/clusters, /config_dump, /stats), stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { envoyBinary } from './envoy-binary.ts';
import { renderBootstrap, type AdsVariant, type BootstrapTarget } from './envoy-bootstrap.ts';

export interface EnvoyOptions extends Partial<Omit<BootstrapTarget, 'xdsPort'>> {
  xdsPort: number;
  /** Worker threads; 1 keeps a test's Envoy light on a small machine. */
  concurrency?: number;
  /** How long to wait for LIVE. */
  readyTimeoutMs?: number;
  /** Bootstrap edits after rendering (tests that need a field the shipped one lacks). */
  edit?: (bootstrap: any) => void;
}

/** One upstream host as /clusters?format=json shows it. */
export interface EnvoyHost {
  endpoint: string;
  weight: number;
  priority: number;
  /** Health flags that are set, e.g. failed_outlier_check, failed_active_health_check, eds_health_status=DRAINING. */
  health: string[];
  stats: Record<string, number>;
}

let nodeSeq = 0;

export class EnvoyProxy {
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly nodeId: string,
    readonly variant: AdsVariant,
    readonly dir: string,
    readonly adminPort: number,
  ) {
    this.exited = new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(options: EnvoyOptions): Promise<EnvoyProxy> {
    const variant = options.variant ?? 'sotw';
    const nodeId = options.nodeId ?? `envoy-${variant}-${process.pid}-${++nodeSeq}`;
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'prescient-envoy-'));
    const bootstrap = renderBootstrap({ ...options, variant, nodeId });
    options.edit?.(bootstrap);
    const configFile = path.join(dir, 'bootstrap.json');
    const adminFile = path.join(dir, 'admin-address');
    const logFile = path.join(dir, 'envoy.log');
    await fs.writeFile(configFile, JSON.stringify(bootstrap, null, 2));
    const args = [
      '-c', configFile,
      // A base id of its own per Envoy (its hot-restart domain socket and shared memory): Envoy
      // picks one no other Envoy on the machine holds, so parallel tests never collide.
      '--use-dynamic-base-id',
      '--admin-address-path', adminFile,
      '--concurrency', String(options.concurrency ?? 1),
      '--log-level', 'warn',
      '--log-path', logFile,
      // Listeners and clusters removed by Prescient go at once instead of after Envoy's drain.
      '--drain-time-s', '1',
      '--parent-shutdown-time-s', '2',
    ];
    const child = spawn(envoyBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-4000);
    });
    const failed = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', async (code, signal) => {
        const log = await fs.readFile(logFile, 'utf8').catch(() => '');
        reject(new Error(`envoy exited (${code ?? signal}) before it was ready:\n${stderr}\n${log.slice(-4000)}`));
      });
    });
    failed.catch(() => undefined);
    try {
      const adminPort = await Promise.race([failed, waitForAdminPort(adminFile, options.readyTimeoutMs ?? 20_000)]);
      const envoy = new EnvoyProxy(child, nodeId, variant, dir, adminPort);
      await Promise.race([failed, envoy.waitLive(options.readyTimeoutMs ?? 20_000)]);
      return envoy;
    } catch (err) {
      child.kill('SIGKILL');
      const log = await fs.readFile(logFile, 'utf8').catch(() => '');
      await fs.rm(dir, { recursive: true, force: true });
      throw new Error(`${(err as Error).message}\nenvoy log:\n${log.slice(-3000)}`);
    }
  }

  async admin(pathname: string, method = 'GET'): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.adminPort}${pathname}`, { method });
    const body = await res.text();
    if (!res.ok) throw new Error(`envoy admin ${pathname}: HTTP ${res.status} ${body.slice(0, 200)}`);
    return body;
  }

  async waitLive(timeoutMs: number): Promise<void> {
    let last = '';
    await waitFor(async () => {
      last = await this.admin('/ready').catch((e: Error) => e.message);
      return last.trim() === 'LIVE';
    }, timeoutMs, 50, `envoy ${this.nodeId} LIVE (last: ${last.trim()})`);
  }

  /** Upstream hosts of one cluster (Prescient names clusters after Services). */
  async hosts(cluster: string): Promise<EnvoyHost[]> {
    const all = JSON.parse(await this.admin('/clusters?format=json'));
    const status = (all.cluster_statuses ?? []).find((c: { name: string }) => c.name === cluster);
    return (status?.host_statuses ?? []).map((h: any) => ({
      endpoint: `${h.address.socket_address.address}:${h.address.socket_address.port_value}`,
      weight: h.weight ?? 1,
      priority: h.priority ?? 0,
      health: Object.entries(h.health_status ?? {}).flatMap(([k, v]) => (v === true ? [k] : typeof v === 'string' ? [`${k}=${v}`] : [])),
      stats: Object.fromEntries((h.stats ?? []).map((s: { name: string; value?: string }) => [s.name, Number(s.value ?? 0)])),
    }));
  }

  async clusterNames(): Promise<string[]> {
    const all = JSON.parse(await this.admin('/clusters?format=json'));
    return (all.cluster_statuses ?? []).map((c: { name: string }) => c.name);
  }

  /** /config_dump, with endpoint assignments (include_eds). */
  async configDump(): Promise<any> {
    return JSON.parse(await this.admin('/config_dump?include_eds'));
  }

  async dynamicResources(): Promise<DumpedResource[]> {
    return dumpedResources(await this.configDump());
  }

  /** Counters and gauges whose name matches `filter` (a regex, Envoy-side). */
  async stats(filter?: string): Promise<Map<string, number>> {
    const text = await this.admin(`/stats${filter ? `?filter=${encodeURIComponent(filter)}` : ''}`);
    const out = new Map<string, number>();
    for (const line of text.split('\n')) {
      const m = /^([^:]+): (\d+)$/.exec(line);
      if (m) out.set(m[1]!, Number(m[2]));
    }
    return out;
  }

  async stat(name: string): Promise<number> {
    return (await this.stats(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)).get(name) ?? 0;
  }

  async log(): Promise<string> {
    return fs.readFile(path.join(this.dir, 'envoy.log'), 'utf8').catch(() => '');
  }

  /** SIGTERM by PID, SIGKILL after 5 s; removes its scratch folder. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      process.kill(this.pid, 'SIGTERM');
      const killer = setTimeout(() => this.child.exitCode === null && process.kill(this.pid, 'SIGKILL'), 5000);
      await this.exited;
      clearTimeout(killer);
    }
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

async function waitForAdminPort(file: string, timeoutMs: number): Promise<number> {
  let port = 0;
  await waitFor(async () => {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    port = Number(/:(\d+)\s*$/.exec(text)?.[1] ?? 0);
    return port > 0;
  }, timeoutMs, 50, 'envoy admin address');
  return port;
}

/** One dynamic resource in Envoy's /config_dump: its xDS type, name and the version Envoy applied. */
export interface DumpedResource {
  type: 'lds' | 'cds' | 'rds' | 'eds';
  name: string;
  version: string;
}

/** Every dynamic listener, cluster, route configuration and (with include_eds) endpoint assignment. */
export function dumpedResources(dump: any): DumpedResource[] {
  const out: DumpedResource[] = [];
  for (const c of dump.configs ?? []) {
    const kind = String(c['@type']).split('.').at(-1);
    if (kind === 'ListenersConfigDump') for (const l of c.dynamic_listeners ?? []) if (l.active_state) out.push({ type: 'lds', name: l.name, version: l.active_state.version_info });
    if (kind === 'ClustersConfigDump') for (const x of c.dynamic_active_clusters ?? []) out.push({ type: 'cds', name: x.cluster.name, version: x.version_info });
    if (kind === 'RoutesConfigDump') for (const r of c.dynamic_route_configs ?? []) out.push({ type: 'rds', name: r.route_config.name, version: r.version_info });
    if (kind === 'EndpointsConfigDump') for (const e of c.dynamic_endpoint_configs ?? []) out.push({ type: 'eds', name: e.endpoint_config.cluster_name, version: e.version_info });
  }
  return out;
}

/** Polls `check` every `stepMs` until it holds; throws naming `what` after `timeoutMs`. */
async function waitFor(check: () => Promise<boolean>, timeoutMs: number, stepMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
