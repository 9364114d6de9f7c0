/**
 * A real Prometheus (Debian's /usr/bin/prometheus) for tests: config, TSDB and logs in a scratch
 * directory, listening on a free loopback port, scraping the given targets every second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../support/free-port.ts';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export class PrometheusServer {
  private child?: ChildProcess;
  private dir = '';
  private output = '';
  url = '';

  async start(scrapeTargets: string[]): Promise<void> {
    this.dir = await mkdtemp(path.join(tmpdir(), 'prescient-prom-'));
    const port = await freePort();
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: app',
      '    static_configs:',
      `      - targets: [${scrapeTargets.map((t) => `"${t}"`).join(', ')}]`,
      '',
    ].join('\n');
    await writeFile(path.join(this.dir, 'prometheus.yml'), config);
    this.child = spawn(
      PROMETHEUS_BIN,
      [`--config.file=${path.join(this.dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(this.dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (b: Buffer) => (this.output = (this.output + b.toString()).slice(-4000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.url = `http://127.0.0.1:${port}`;
    await this.waitFor(async () => (await fetch(`${this.url}/-/ready`)).ok, 'ready');
  }

  /** Resolves once `query` returns at least one sample (the first scrapes have landed). */
  async waitForData(query: string): Promise<void> {
    await this.waitFor(async () => {
      const res = await fetch(`${this.url}/api/v1/query?${new URLSearchParams({ query })}`);
      const body = (await res.json()) as { data?: { result?: unknown[] } };
      return (body.data?.result?.length ?? 0) > 0;
    }, `data for ${query}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  private async waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child?.exitCode !== null) throw new Error(`prometheus exited (${this.child?.exitCode}):\n${this.output}`);
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`prometheus: no ${what} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
