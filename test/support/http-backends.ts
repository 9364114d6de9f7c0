/**
 * Plain HTTP/1.1 backends on 127.0.0.1 answering every request with their id, and a keep-alive
 * client that sends requests through an Envoy listener with the route's host as `Host`.
 */
import http from 'node:http';
import { closeServer, listenLoopback } from './loopback-http.ts';
import type { CallResult, EchoCaller } from './call-tally.ts';

export class HttpBackend {
  hits = 0;
  port = 0;
  private readonly server: http.Server;

  constructor(readonly id: string) {
    this.server = http.createServer((req, res) => {
      this.hits++;
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' }).end(this.id);
    });
  }

  async start(): Promise<void> {
    this.port = await listenLoopback(this.server);
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}

export class HttpViaProxy implements EchoCaller {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 20 });

  constructor(
    private readonly listenerPort: number,
    private readonly host: string,
  ) {}

  /** One GET; the backend id as `backend`, or the HTTP status as `code`. */
  call(deadlineMs = 5000): Promise<CallResult> {
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: this.listenerPort, path: '/', headers: { host: this.host }, agent: this.agent, timeout: deadlineMs }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(res.statusCode === 200 ? { backend: body } : { code: res.statusCode, details: body }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => resolve({ code: -1, details: err.message }));
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
