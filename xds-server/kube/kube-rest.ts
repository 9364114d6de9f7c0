/**
 * A small JSON client for the Kubernetes REST API over a client-node KubeConfig: the lease store
 * and the scale actuator need the raw status code (409 = someone else wrote first, 403 = RBAC,
 * 404 = no such object) and generic paths (any group's scale subresource), which the generated
 * typed clients hide. Credentials are applied per request (a rotated in-cluster token is picked
 * up); connections are kept alive on one agent.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface KubeResponse<T = unknown> {
  readonly status: number;
  /** Parsed JSON body (an API `Status` object on most errors); undefined when empty or not JSON. */
  readonly body: T | undefined;
}

/** What an API `Status` body says, or the HTTP status when it says nothing. */
export function statusMessage(res: KubeResponse): string {
  const b = res.body as { message?: unknown; reason?: unknown } | undefined;
  return typeof b?.message === 'string' && b.message ? b.message : `HTTP ${res.status}${typeof b?.reason === 'string' ? ` ${b.reason}` : ''}`;
}

export interface KubeRestOptions {
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
}

export class KubeRest {
  private agent: http.Agent | undefined;
  private readonly timeoutMs: number;

  constructor(
    private readonly kc: KubeConfig,
    options: KubeRestOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The API server's address, for messages. */
  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '(no cluster in kubeconfig)';
  }

  /**
   * One request. Resolves with any HTTP status (callers decide what 404 or 409 mean); rejects only
   * when no answer came (unreachable, timeout, TLS failure).
   */
  async request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse<T>> {
    const server = this.kc.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig names no current cluster');
    const url = new URL(path, server);
    const opts: https.RequestOptions = { method, headers: { accept: 'application/json' } };
    await this.kc.applyToHTTPSOptions(opts);
    const secure = url.protocol === 'https:';
    // The TLS settings (CA, client certificate, skip-verify) are the cluster's: fixed for this client.
    this.agent ??= secure
      ? new https.Agent({ ca: opts.ca, cert: opts.cert, key: opts.key, servername: opts.servername, ...(opts.rejectUnauthorized !== undefined && { rejectUnauthorized: opts.rejectUnauthorized }), keepAlive: true, maxSockets: 8 })
      : new http.Agent({ keepAlive: true, maxSockets: 8 });
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = { ...(opts.headers as Record<string, string>), ...(payload && { 'content-type': contentType, 'content-length': String(payload.length) }) };
    return new Promise<KubeResponse<T>>((resolve, reject) => {
      const req = (secure ? https : http).request(
        url,
        { method, headers, agent: this.agent, ...(opts.auth !== undefined && { auth: opts.auth }), timeout: this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.once('error', reject);
          res.once('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: T | undefined;
            try {
              parsed = text ? (JSON.parse(text) as T) : undefined;
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.once('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no answer from ${server} within ${this.timeoutMs} ms`)));
      req.once('error', reject);
      req.end(payload);
    });
  }

  /** Closes kept-alive connections (stop). */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }
}
