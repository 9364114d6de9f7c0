/**
 * An HTTP/1.1 server on 127.0.0.1 that counts requests and the `Host` each arrived with, and can
 * be made slow or failing at run time: the mirror target of the mirroring tests.
 */
import http from 'node:http';
import { closeServer, listenLoopback } from './loopback-http.ts';

export class RecordingHttpServer {
  hits = 0;
  port = 0;
  readonly hosts = new Map<string, number>();
  /** `METHOD path` of each request, in arrival order. */
  readonly requests: string[] = [];
  /** Answer after this long. */
  delayMs = 0;
  /** Answer with this status. */
  status = 200;
  private readonly server: http.Server;

  constructor(readonly id: string) {
    this.server = http.createServer((req, res) => {
      this.hits++;
      const host = req.headers.host ?? '';
      this.hosts.set(host, (this.hosts.get(host) ?? 0) + 1);
      this.requests.push(`${req.method} ${req.url}`);
      req.resume();
      const answer = () => {
        if (!res.destroyed) res.writeHead(this.status, { 'content-type': 'text/plain' }).end(this.id);
      };
      if (this.delayMs > 0) setTimeout(answer, this.delayMs);
      else answer();
    });
    this.server.keepAliveTimeout = 30_000;
  }

  async start(): Promise<void> {
    this.port = await listenLoopback(this.server);
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}
