/**
 * The read-only CLI commands talk to a running Prescient through its admin API, like
 * `istioctl proxy-status` talks to istiod: `--admin` (or PRESCIENT_ADMIN_URL) says where, the
 * same bearer token as the server's admin API (PRESCIENT_ADMIN_TOKEN) authenticates.
 */
export interface AdminTarget {
  admin: string;
  token?: string;
}

export class AdminApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/**
 * Runs a CLI command against the admin API: its exit code (0 when it returns none), or 1 with
 * `error: …` on stderr when the API cannot be reached or refuses; other errors are bugs and throw.
 */
export async function guarded(run: () => Promise<number | void>): Promise<number> {
  try {
    return (await run()) ?? 0;
  } catch (err) {
    if (err instanceof AdminApiError) {
      console.error(`error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

export function getJson<T>(target: AdminTarget, path: string): Promise<T> {
  return requestJson<T>(target, path, 'GET');
}

/** An operator action (hold, release, revert): POST, answered with JSON. */
export function postJson<T>(target: AdminTarget, path: string): Promise<T> {
  return requestJson<T>(target, path, 'POST');
}

async function requestJson<T>(target: AdminTarget, path: string, method: 'GET' | 'POST'): Promise<T> {
  const url = new URL(path, target.admin.endsWith('/') ? target.admin : `${target.admin}/`);
  let res: Response;
  try {
    res = await fetch(url, { method, headers: target.token ? { authorization: `Bearer ${target.token}` } : {} });
  } catch (err) {
    const c = (err as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
    const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (err as Error).message;
    throw new AdminApiError(`cannot reach Prescient's admin API at ${target.admin} (${cause}); is \`prescient serve\` running? Set --admin or PRESCIENT_ADMIN_URL`);
  }
  const text = await res.text();
  if (res.status === 401) throw new AdminApiError(`the admin API at ${target.admin} wants a bearer token: pass --token or set PRESCIENT_ADMIN_TOKEN`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AdminApiError(`${url.pathname} answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) throw new AdminApiError(`${url.pathname} answered ${res.status}: ${(body as { error?: unknown }).error ? JSON.stringify((body as { error: unknown }).error) : text}`);
  return body as T;
}

/** Fixed-width columns, header first: what `kubectl get` and `istioctl proxy-status` print. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('   ')).join('\n');
}
