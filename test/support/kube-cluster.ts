/**
 * A real Kubernetes control plane for tests: etcd (Debian's etcd-server) and a kube-apiserver built
 * from k8s.io/kubernetes by `scripts/build-k8s-tools.sh`, on free loopback ports, with a static
 * admin token, RBAC, and a kubeconfig file. There is no controller-manager: tests create
 * EndpointSlices themselves, Deployments get no pods, and a deleted namespace stays Terminating,
 * so each test takes a fresh namespace from `namespace()`.
 *
 * `restartApiServer()` stops and starts the API server on the same port over the same etcd (watches
 * break and must reconnect; nothing stored is lost). `stop()` stops the API server before etcd.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import YAML from 'yaml';
import { freePort } from './free-port.ts';
import { stopChild } from './stop-child.ts';

const run = promisify(execFile);
const TOOLS_BIN = join(process.env.PRESCIENT_TOOLS_DIR ?? join(homedir(), '.cache/prescient/tools'), 'bin');
export const KUBE_APISERVER_BIN = process.env.KUBE_APISERVER_BIN ?? join(TOOLS_BIN, 'kube-apiserver');
export const ETCD_BIN = process.env.ETCD_BIN ?? '/usr/bin/etcd';
const CRD_DIR = new URL('../../manifests/crds/', import.meta.url).pathname;

function missing(bin: string, how: string): Error {
  return new Error(`${bin} is not installed; ${how}`);
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, log: () => string, exited?: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    if (exited?.()) throw new DaemonExited(`${what} exited before it was ready:\n${log().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} was not ready after ${timeoutMs} ms:\n${log().slice(-4000)}`);
}

class DaemonExited extends Error {
  /** freePort() races other processes for a port: a daemon that lost the race can try another. */
  get portTaken(): boolean {
    return /address already in use/.test(this.message);
  }
}

/** Runs `attempt` again (up to `times`) while it fails because its port was taken meanwhile. */
async function retryOnPortTaken(times: number, attempt: (first: boolean) => Promise<void>): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await attempt(i === 0);
    } catch (err) {
      if (!(err instanceof DaemonExited && err.portTaken) || i + 1 >= times) throw err;
    }
  }
}

export class KubeCluster {
  private etcd: ChildProcess | undefined;
  private apiserver: ChildProcess | undefined;
  private etcdLog = '';
  private apiLog = '';
  private namespaces = 0;

  private constructor(
    readonly dir: string,
    private etcdPort: number,
    private etcdPeerPort: number,
    private apiPort: number,
    readonly token: string,
    /** Extra token users (no groups, so no rights until a test binds a role): name → token. */
    readonly userTokens: ReadonlyMap<string, string> = new Map(),
  ) {}

  static async start(options: { users?: string[] } = {}): Promise<KubeCluster> {
    if (!existsSync(KUBE_APISERVER_BIN)) throw missing(KUBE_APISERVER_BIN, 'run `bash scripts/build-k8s-tools.sh` (the README test command does)');
    if (!existsSync(ETCD_BIN)) throw missing(ETCD_BIN, 'run `apt-get install -y etcd-server`');
    const dir = await mkdtemp(join(tmpdir(), 'prescient-kube-'));
    const users = new Map((options.users ?? []).map((u) => [u, randomBytes(16).toString('hex')]));
    const cluster = new KubeCluster(dir, await freePort(), await freePort(), await freePort(), randomBytes(16).toString('hex'), users);
    try {
      await cluster.prepare();
      await retryOnPortTaken(3, async (first) => {
        if (!first) [cluster.etcdPort, cluster.etcdPeerPort] = [await freePort(), await freePort()];
        await cluster.startEtcd();
      });
      await retryOnPortTaken(3, async (first) => {
        if (!first) cluster.apiPort = await freePort();
        await cluster.startApiServer();
      });
      await cluster.writeKubeconfigs();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** The API server's port (chosen at start; restarts keep it). */
  get port(): number {
    return this.apiPort;
  }

  get server(): string {
    return `https://127.0.0.1:${this.apiPort}`;
  }

  get kubeconfigPath(): string {
    return join(this.dir, 'kubeconfig.yaml');
  }

  /** A client-node KubeConfig for the admin user (a fresh object per call). */
  kubeConfig(): k8s.KubeConfig {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(this.kubeconfigPath);
    return kc;
  }

  /** A kubeconfig file for one of the extra `users` given to `start` (authenticated as that user). */
  kubeconfigPathFor(user: string): string {
    if (!this.userTokens.has(user)) throw new Error(`no user ${user}; pass it in KubeCluster.start({ users })`);
    return join(this.dir, `kubeconfig-${user}.yaml`);
  }

  /** A client-node KubeConfig for one of the extra `users`. */
  kubeConfigFor(user: string): k8s.KubeConfig {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(this.kubeconfigPathFor(user));
    return kc;
  }

  /** Creates a fresh namespace (named from `prefix`) and returns its name. */
  async namespace(prefix = 'test'): Promise<string> {
    const name = `${prefix}-${++this.namespaces}-${randomBytes(3).toString('hex')}`;
    await this.kubeConfig().makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name } } });
    return name;
  }

  /** Installs Prescient's shipped CustomResourceDefinitions and waits until each is Established. */
  async installCrds(): Promise<void> {
    const api = this.kubeConfig().makeApiClient(k8s.ApiextensionsV1Api);
    const names: string[] = [];
    for (const file of (await readdir(CRD_DIR)).filter((f) => f.endsWith('.prescient.dev.yaml')).sort()) {
      // Through client-node's own YAML loader: its serializer reads typed field names, so a plain
      // parse would silently drop x-kubernetes-* keys (int-or-string, preserve-unknown-fields).
      const crd = k8s.loadYaml<k8s.V1CustomResourceDefinition>(await readFile(join(CRD_DIR, file), 'utf8'));
      names.push(crd.metadata!.name!);
      await api.createCustomResourceDefinition({ body: crd }).catch((err: { code?: number }) => {
        if (err.code !== 409) throw err;
      });
    }
    for (const name of names) {
      await waitFor(
        `CRD ${name}`,
        async () => {
          const crd = await api.readCustomResourceDefinition({ name });
          return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
        },
        30_000,
        () => this.apiLog,
      );
    }
  }

  /** Stops the API server and starts it again on the same port over the same etcd. */
  async restartApiServer(downForMs = 0): Promise<void> {
    await this.stopApiServer();
    if (downForMs > 0) await new Promise((r) => setTimeout(r, downForMs));
    // Same port: clients reconnect to it. Should a stranger take it in the gap, wait and retry.
    await retryOnPortTaken(5, async (first) => {
      if (!first) await new Promise((r) => setTimeout(r, 1000));
      await this.startApiServer();
    });
  }

  /**
   * SIGTERM, then SIGKILL after 5 s: with clients reconnecting, the API server's graceful shutdown
   * can wait its full 60 s for them (seen: 73 s), which no test needs.
   */
  async stopApiServer(): Promise<void> {
    const child = this.apiserver;
    this.apiserver = undefined;
    await stopChild(child, { killAfterMs: 5000 });
  }

  async startApiServer(): Promise<void> {
    const d = this.dir;
    const args = [
      `--etcd-servers=http://127.0.0.1:${this.etcdPort}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${this.port}`,
      `--cert-dir=${join(d, 'certs')}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${join(d, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(d, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      `--token-auth-file=${join(d, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--disable-admission-plugins=ServiceAccount',
      '--endpoint-reconciler-type=none',
      // On SIGTERM the API server otherwise waits up to a minute for open watches to drain; a
      // restart in a test should take seconds (clients see their watches end, as in a rollout).
      '--shutdown-watch-termination-grace-period=1s',
    ];
    this.apiLog = '';
    const child = spawn(KUBE_APISERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.apiserver = child;
    const keep = (chunk: Buffer) => {
      this.apiLog = (this.apiLog + chunk.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let exited = false;
    child.once('exit', () => (exited = true));
    await waitFor('kube-apiserver', async () => (await this.get('/readyz')) === 200, 60_000, () => this.apiLog, () => exited);
  }

  async stop(): Promise<void> {
    await this.stopApiServer();
    const etcd = this.etcd;
    this.etcd = undefined;
    await stopChild(etcd);
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Recent API server output, for failure messages. */
  get apiServerLog(): string {
    return this.apiLog;
  }

  private get(path: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = https.get(
        { host: '127.0.0.1', port: this.apiPort, path, rejectUnauthorized: false, headers: { authorization: `Bearer ${this.token}` }, timeout: 2000 },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.once('timeout', () => req.destroy(new Error('timeout')));
      req.once('error', reject);
    });
  }

  private async prepare(): Promise<void> {
    const d = this.dir;
    await mkdir(join(d, 'certs'));
    await run('openssl', ['genrsa', '-out', join(d, 'sa.key'), '2048']);
    await run('openssl', ['rsa', '-in', join(d, 'sa.key'), '-pubout', '-out', join(d, 'sa.pub')]);
    const extra = [...this.userTokens].map(([user, token]) => `${token},${user},${user}-uid\n`).join('');
    await writeFile(join(d, 'tokens.csv'), `${this.token},admin,admin-uid,system:masters\n${extra}`);
  }

  /** Admin and extra users' kubeconfig files, once the API server's port is final. */
  private async writeKubeconfigs(): Promise<void> {
    const kubeconfig = (user: string, token: string) => ({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server: this.server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: user, user: { token } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user } }],
      'current-context': 'test',
    });
    await writeFile(this.kubeconfigPath, YAML.stringify(kubeconfig('admin', this.token)));
    for (const [user, token] of this.userTokens) await writeFile(this.kubeconfigPathFor(user), YAML.stringify(kubeconfig(user, token)));
  }

  private async startEtcd(): Promise<void> {
    const peer = `http://127.0.0.1:${this.etcdPeerPort}`;
    const client = `http://127.0.0.1:${this.etcdPort}`;
    const args = [
      // One data directory per port pair: a member bootstrapped with other URLs will not start again.
      `--data-dir=${join(this.dir, `etcd-${this.etcdPort}`)}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=default=${peer}`,
      '--unsafe-no-fsync',
    ];
    this.etcdLog = '';
    const child = spawn(ETCD_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.etcd = child;
    let exited = false;
    child.once('exit', () => (exited = true));
    const keep = (chunk: Buffer) => {
      this.etcdLog = (this.etcdLog + chunk.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await waitFor(
      'etcd',
      async () => {
        const res = await fetch(`${client}/health`);
        return res.ok;
      },
      30_000,
      () => this.etcdLog,
      () => exited,
    );
  }
}
