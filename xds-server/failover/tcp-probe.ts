/**
 * One TCP connect to an endpoint: healthy when the connection opens within the timeout, with the
 * time it took. What a killed process fails at once (connection refused) and a hung host fails
 * by the timeout. Application-level checks come from the prober and telemetry (not used here yet).
 */
import net from 'node:net';

export interface ProbeResult {
  readonly ok: boolean;
  readonly ms: number;
  /** "ok", "timeout" or the socket error code. */
  readonly outcome: string;
}

export function tcpProbe(address: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const t0 = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = (ok: boolean, outcome: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok, ms: ms(), outcome });
    };
    const timer = setTimeout(() => done(false, 'timeout'), timeoutMs);
    socket.once('connect', () => done(true, 'ok'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(false, err.code ?? 'error'));
  });
}
