/**
 * HTTP GET probe over a kept-alive connection (as Envoy's HTTP health checker does), so latency is
 * the request's, not a TCP handshake's. Any 2xx is success; the body is read and discarded so the
 * connection can be reused, and counts in the latency.
 */
import http from 'node:http';
import { splitEndpoint } from './endpoint-address.ts';
import { failed, OK, type ProbeCheck, type ProbeOutcome } from './probe-check.ts';

export class HttpCheck implements ProbeCheck {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly host: string;
  private readonly port: number;

  constructor(
    endpoint: string,
    private readonly path = '/',
  ) {
    ({ host: this.host, port: this.port } = splitEndpoint(endpoint));
  }

  run(timeoutMs: number): Promise<ProbeOutcome> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: ProbeOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const req = http.get({ host: this.host, port: this.port, path: this.path, agent: this.agent, headers: { 'user-agent': 'prescient-prober' } }, (res) => {
        const status = res.statusCode ?? 0;
        res.on('error', (err) => settle(failed(err.message)));
        res.on('end', () => settle(status >= 200 && status < 300 ? OK : failed(`HTTP ${status}`)));
        res.resume();
      });
      req.on('error', (err) => settle(failed(err.message)));
      const timer = setTimeout(() => {
        settle(failed(`no response within ${timeoutMs} ms`, true));
        req.destroy();
      }, timeoutMs);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
