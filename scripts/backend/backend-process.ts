/**
 * A gRPC echo backend (backend-child.ts, the demo greeter server) as a separate process: started on a port (0 = any), killed
 * with SIGKILL by PID, restarted on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'backend-child.ts');

export class BackendProcess {
  port = 0;
  private child: ChildProcess | undefined;

  constructor(readonly id: string) {}

  async start(port = this.port): Promise<number> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, this.id, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    this.port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`backend ${this.id} exited (${code}) before listening`)));
    });
    return this.port;
  }

  /** SIGKILL, as a crash: no goodbye to open connections. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid!, 'SIGKILL');
    await exited;
    this.child = undefined;
  }
}
