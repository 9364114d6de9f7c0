/**
 * Starts a real BIND 9 (`named` from Debian's bind9) on a free loopback port, authoritative for a
 * scratch zone that accepts RFC 2136 updates signed with a key made by `tsig-keygen`. Stopped by
 * PID. `restart()` keeps port, key and zone directory (the journal survives, like a real restart);
 * `restart({ resetZone: true })` starts from the original zone file, as a server restored from an
 * old backup would.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';
import { stopChild } from './stop-child.ts';

const run = promisify(execFile);
const NAMED = process.env.NAMED_BIN ?? '/usr/sbin/named';
const TSIG_KEYGEN = process.env.TSIG_KEYGEN_BIN ?? '/usr/sbin/tsig-keygen';

export interface BindServerOptions {
  readonly zone?: string;
  readonly keyName?: string;
}

export class BindServer {
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly zone: string,
    readonly keyName: string,
  ) {}

  static async start(o: BindServerOptions = {}): Promise<BindServer> {
    const dir = await mkdtemp(join(tmpdir(), 'prescient-bind-'));
    const server = new BindServer(await freePort(), dir, o.zone ?? 'mesh.test', o.keyName ?? 'prescient-key');
    const { stdout } = await run(TSIG_KEYGEN, ['-a', 'hmac-sha256', server.keyName]);
    await writeFile(server.keyFile, stdout);
    await writeFile(join(dir, 'named.conf'), server.namedConf());
    await server.writeZone();
    await server.spawn();
    return server;
  }

  /** The BIND key clause `tsig-keygen` printed (what an operator mounts for Prescient). */
  get keyFile(): string {
    return join(this.dir, 'tsig.key');
  }

  async keyText(): Promise<string> {
    return readFile(this.keyFile, 'utf8');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private namedConf(): string {
    return `include "${this.keyFile}";
options {
  directory "${this.dir}";
  pid-file "${this.dir}/named.pid";
  listen-on port ${this.port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
};
controls { };
zone "${this.zone}" {
  type primary;
  file "${this.dir}/zone.db";
  allow-update { key "${this.keyName}"; };
};
`;
  }

  private async writeZone(): Promise<void> {
    const z = this.zone;
    await writeFile(
      join(this.dir, 'zone.db'),
      `$TTL 300
@ IN SOA ns.${z}. admin.${z}. 1 3600 600 86400 30
@ IN NS ns.${z}.
ns IN A 127.0.0.1
`,
    );
    await rm(join(this.dir, 'zone.db.jnl'), { force: true });
  }

  private spawn(): Promise<void> {
    this.log = '';
    const child = spawn(NAMED, ['-g', '-n', '1', '-c', join(this.dir, 'named.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        this.log += chunk.toString();
        if (this.log.includes('running')) {
          child.stderr!.off('data', onData);
          child.stderr!.on('data', (c: Buffer) => (this.log += c.toString()));
          resolve();
        }
      };
      child.stderr!.on('data', onData);
      child.stdout!.resume();
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`named exited with ${code} before it was running:\n${this.log}`)));
    });
  }

  /** What named printed since it last started (updates it applied or refused are logged). */
  get output(): string {
    return this.log;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await stopChild(child);
  }

  async restart(o: { downForMs?: number; resetZone?: boolean } = {}): Promise<void> {
    await this.stop();
    if (o.resetZone) await this.writeZone();
    if (o.downForMs) await new Promise((r) => setTimeout(r, o.downForMs));
    await this.spawn();
  }

  /**
   * `dig +short` against this server: the answer lines, sorted. A query that gets no answer at all
   * (a loaded machine) is asked again, up to 3 times, before the error (with dig's output) is thrown.
   */
  async dig(name: string, type: string): Promise<string[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(this.port), '+short', '+norecurse', '+time=2', '+tries=2', name, type]);
        return stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort();
      } catch (err) {
        const e = err as Error & { stdout?: string; stderr?: string };
        if (attempt >= 3) throw new Error(`dig ${name} ${type} against 127.0.0.1:${this.port} (named pid ${this.pid ?? 'none'}) failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
      }
    }
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
