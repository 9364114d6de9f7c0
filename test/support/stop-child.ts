/** Stops a daemon a test started, by its PID (SIGTERM), and waits until it has exited. */
import type { ChildProcess } from 'node:child_process';

/**
 * `killAfterMs`: SIGKILL if SIGTERM has not ended it by then (a daemon whose graceful shutdown
 * waits on its clients, as kube-apiserver does for up to 60 s).
 */
export async function stopChild(child: ChildProcess | undefined, options: { killAfterMs?: number } = {}): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    let killer: NodeJS.Timeout | undefined;
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
    if (options.killAfterMs !== undefined) killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
  });
}
