/**
 * Request/reply over a forked child's IPC channel: the driver sends `{ id, ...command }` and the
 * child answers `{ id, ...reply }`. Messages without an id are events, handed to `onEvent`.
 * A child that exits or errors fails every outstanding request, so the driver never hangs on a
 * crashed process.
 */
import { fork, type ChildProcess } from 'node:child_process';

type Pending = { resolve: (v: any) => void; reject: (e: Error) => void };

export class ChildPeer {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited: Error | undefined;

  private constructor(
    readonly child: ChildProcess,
    private readonly name: string,
    onEvent: (event: any) => void,
  ) {
    child.on('message', (m: any) => {
      const waiter = m && typeof m.id === 'number' ? this.pending.get(m.id) : undefined;
      if (!waiter) return onEvent(m);
      this.pending.delete(m.id);
      if (m.error) waiter.reject(new Error(`${name}: ${m.error}`));
      else waiter.resolve(m);
    });
    child.on('exit', (code, signal) => this.fail(new Error(`BENCH_XDS_CHILD_EXIT: ${name} exited (code ${code}, signal ${signal})`)));
    child.on('error', (err) => this.fail(err));
  }

  /** Forks `module` under tsx with the given extra node flags. */
  static fork(module: string, name: string, nodeFlags: string[], onEvent: (event: any) => void = () => {}, env: Record<string, string> = {}): ChildPeer {
    const child = fork(module, [], { execArgv: ['--import', 'tsx', ...nodeFlags], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
    return new ChildPeer(child, name, onEvent);
  }

  request<T>(command: object, timeoutMs = 60_000): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`BENCH_XDS_IPC_TIMEOUT: ${this.name} did not answer ${JSON.stringify(command)} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = <F extends (x: any) => void>(f: F) => (x: any) => {
        clearTimeout(timer);
        f(x);
      };
      this.pending.set(id, { resolve: done(resolve), reject: done(reject) });
      this.child.send({ id, ...command });
    });
  }

  /** Asks the child to exit and waits for it; kills it if it has not gone after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.send({ kind: 'exit' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  private fail(err: Error): void {
    this.exited ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/** Child side: answers the driver's requests with `handler`; `{ kind: 'exit' }` or a lost driver ends the process via `onExit`. */
export function serveRequests(handler: (command: any) => Promise<object> | object, onExit: () => Promise<void>): void {
  let exiting: Promise<void> | undefined;
  const exit = () => (exiting ??= onExit().then(() => process.exit(0)));
  // A driver that died without saying so must not leave a server or a thousand clients behind.
  process.once('disconnect', exit);
  process.on('message', async (m: any) => {
    if (m?.kind === 'exit') return exit();
    if (typeof m?.id !== 'number') return;
    try {
      process.send!({ id: m.id, ...(await handler(m)) });
    } catch (err) {
      process.send!({ id: m.id, error: (err as Error).message });
    }
  });
}
