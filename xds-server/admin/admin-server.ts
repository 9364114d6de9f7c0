/**
 * Admin HTTP surface (DESIGN §4.5): health, readiness, Prometheus metrics and the /debug pages,
 * plus whatever other components mount (telemetry ingest, endpoint selection). Binds to loopback
 * by default; with a bearer token configured every path except the health probes requires it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerTokenMatches } from '../../api/bearer-token.ts';
import type { Logger } from '../log.ts';

/** A mounted handler: returns true when it handled the request. */
export type AdminHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => boolean | Promise<boolean>;

export interface AdminServerOptions {
  /** host:port; default 127.0.0.1:9901. */
  address: string;
  bearerToken?: string;
  logger: Logger;
}

const UNAUTHENTICATED_PATHS = new Set(['/healthz', '/readyz']);

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export class AdminServer {
  private readonly server: http.Server;
  private readonly handlers: AdminHandler[] = [];

  constructor(private readonly options: AdminServerOptions) {
    this.server = http.createServer((req, res) => void this.dispatch(req, res));
  }

  /** Exact-path GET route returning JSON (or text when the function returns a string). */
  get(path: string, body: () => unknown | Promise<unknown>, contentType = 'text/plain; version=0.0.4'): void {
    this.mount(async (req, res, url) => {
      if (url.pathname !== path) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        // RFC 9110 §15.5.6: a 405 names the allowed methods in an Allow header.
        res.setHeader('allow', 'GET, HEAD');
        sendJson(res, 405, { error: 'method not allowed', allow: 'GET, HEAD' });
        return true;
      }
      const value = await body();
      if (typeof value === 'string') {
        res.writeHead(200, { 'content-type': contentType });
        res.end(value);
      } else sendJson(res, 200, value);
      return true;
    });
  }

  mount(handler: AdminHandler): void {
    this.handlers.push(handler);
  }

  async listen(): Promise<number> {
    const { host, port } = splitHostPort(this.options.address);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    try {
      const token = this.options.bearerToken;
      if (token && !UNAUTHENTICATED_PATHS.has(url.pathname) && !bearerTokenMatches(req.headers.authorization, token)) {
        res.setHeader('www-authenticate', 'Bearer');
        sendJson(res, 401, { error: 'missing or wrong bearer token', hint: 'send "Authorization: Bearer <token>"' });
        return;
      }
      for (const handler of this.handlers) {
        if (await handler(req, res, url)) return;
      }
      sendJson(res, 404, { error: `no such path ${url.pathname}` });
    } catch (err) {
      this.options.logger.error({ err, path: url.pathname }, 'admin request failed');
      if (!res.headersSent) sendJson(res, 500, { error: String((err as Error).message ?? err) });
      else res.destroy();
    }
  }
}

/** Splits "host:port" and "[v6]:port". */
export function splitHostPort(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (!m) throw new Error(`invalid listen address "${address}": expected host:port, e.g. 127.0.0.1:9901`);
  return { host: m[1]!, port: Number(m[2]) };
}
