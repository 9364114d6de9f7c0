/** Endpoint keys are "address:port" (api/config.ts endpointKey); IPv6 addresses may be bracketed. */
export function splitEndpoint(endpoint: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(endpoint);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65_535) throw new Error(`ENDPOINT_INVALID: "${endpoint}" is not "address:port"`);
  return { host: m[1]!, port };
}
