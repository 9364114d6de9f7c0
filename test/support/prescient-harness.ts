/**
 * Starts a real Prescient (the same composition root `prescient serve` uses) on loopback ports
 * with its config in a temporary file that tests rewrite to exercise hot reload.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { API_VERSION } from '../../api/config.ts';
import { silentLogger } from '../../xds-server/log.ts';
import { Prescient, type PrescientOptions } from '../../xds-server/app/prescient.ts';

export type DocSpec = { kind: string; name: string; spec: unknown };

export function yamlOf(docs: DocSpec[]): string {
  return docs.map((d) => YAML.stringify({ apiVersion: API_VERSION, kind: d.kind, metadata: { name: d.name }, spec: d.spec })).join('---\n');
}

export class PrescientHarness {
  private constructor(
    readonly prescient: Prescient,
    readonly dir: string,
    readonly configFile: string,
  ) {}

  static async start(docs: DocSpec[] | string, options: Partial<PrescientOptions> = {}): Promise<PrescientHarness> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'prescient-e2e-'));
    const configFile = path.join(dir, 'mesh.yaml');
    await fs.writeFile(configFile, typeof docs === 'string' ? docs : yamlOf(docs));
    const prescient = await Prescient.start({
      configPaths: [configFile],
      xdsAddress: '127.0.0.1:0',
      adminAddress: '127.0.0.1:0',
      debounce: { quietMs: 50, maxDelayMs: 250 },
      scorer: false,
      logger: silentLogger,
      ...options,
    });
    return new PrescientHarness(prescient, dir, configFile);
  }

  get xdsPort(): number {
    return this.prescient.xdsPort;
  }

  /** Replaces the config file the way an editor does (write a temp file, rename over). */
  async writeConfig(docs: DocSpec[] | string): Promise<void> {
    const tmp = `${this.configFile}.tmp`;
    await fs.writeFile(tmp, typeof docs === 'string' ? docs : yamlOf(docs));
    await fs.rename(tmp, this.configFile);
  }

  async admin(pathname: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`http://127.0.0.1:${this.prescient.adminPort}${pathname}`);
    return { status: res.status, body: await res.text() };
  }

  async adminJson<T = any>(pathname: string): Promise<T> {
    return JSON.parse((await this.admin(pathname)).body) as T;
  }

  async stop(): Promise<void> {
    await this.prescient.stop();
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
