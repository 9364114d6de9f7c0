/**
 * The smart endpoint API over HTTP JSON: `GET /v1/select?service=<name>&network=<network>`.
 * 200 {address, port, dnsName, weight, totalWeight, modelVersion}; errors are
 * {error: {code, message}} with 400/401/404/503 (see select-error.ts). The handler returns false
 * for other paths so the lead can chain it with other routes on one node:http server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkBearer } from './bearer-token.ts';
import type { EndpointSelector } from './endpoint-selector.ts';
import { HTTP_STATUS, SelectError } from './select-error.ts';

export const SELECT_HTTP_PATH = '/v1/select';

export interface SelectHttpOptions {
  readonly token?: string;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function createSelectHttpHandler(selector: EndpointSelector, opts: SelectHttpOptions = {}) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== SELECT_HTTP_PATH) return false;
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      send(res, 405, { error: { code: 'SELECT_METHOD_NOT_ALLOWED', message: `use GET ${SELECT_HTTP_PATH}?service=<name>` } });
      return true;
    }
    try {
      checkBearer(opts.token, req.headers.authorization);
      const chosen = selector.select(url.searchParams.get('service') ?? '', url.searchParams.get('network') ?? '');
      send(res, 200, chosen);
    } catch (err) {
      if (err instanceof SelectError) send(res, HTTP_STATUS[err.code], { error: { code: err.code, message: err.message } });
      else send(res, 500, { error: { code: 'SELECT_INTERNAL', message: (err as Error).message } });
    }
    return true;
  };
}
