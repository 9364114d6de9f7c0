/**
 * Polling for tests that wait on real components: `check` until it holds or `timeoutMs` passes.
 * Returns how long it took; the error names `what` when given.
 */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number, stepMs = 100, what?: string): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`${what ? `${what}: ` : ''}condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
