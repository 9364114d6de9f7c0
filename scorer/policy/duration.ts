/**
 * Go/Kubernetes-style durations ("250ms", "1s", "1m30s") to milliseconds. The config loader
 * validates documents; this parser exists because decide-stage modules import only api/.
 */
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;

export function parseDurationMs(text: string): number {
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = PART.exec(text); m; m = PART.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed = PART.lastIndex;
  }
  if (text.length === 0 || consumed !== text.length) {
    throw new Error(`SCORER_DURATION_INVALID: "${text}" is not a duration; write e.g. "500ms", "1s" or "1m30s"`);
  }
  return total;
}
