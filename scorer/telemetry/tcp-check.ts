/** TCP connect probe: success once the handshake completes; the connection is closed at once. */
import net from 'node:net';
import { splitEndpoint } from './endpoint-address.ts';
import { failed, OK, type ProbeCheck, type ProbeOutcome } from './probe-check.ts';

export class TcpCheck implements ProbeCheck {
  private readonly host: string;
  private readonly port: number;

  constructor(endpoint: string) {
    ({ host: this.host, port: this.port } = splitEndpoint(endpoint));
  }

  run(timeoutMs: number): Promise<ProbeOutcome> {
    return new Promise((resolve) => {
      const socket = net.connect({ host: this.host, port: this.port });
      const finish = (outcome: ProbeOutcome) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(outcome);
      };
      const timer = setTimeout(() => finish(failed(`no connection within ${timeoutMs} ms`, true)), timeoutMs);
      socket.once('connect', () => finish(OK));
      socket.once('error', (err) => finish(failed(err.message)));
    });
  }

  close(): void {}
}
