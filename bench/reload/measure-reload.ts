/**
 * One reload under observation: writes `text` over the config file (as an editor does), then
 * probes /healthz every 10 ms until the new configuration is applied and pushed, recording the
 * worst probe latency. Shared by `npm run bench:reload` and the large-reload test.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Prescient } from '../../xds-server/app/prescient.ts';

export interface ReloadMeasurement {
  /** From the file rename to the new config accepted and its push settled. */
  applyMs: number;
  /** Worst /healthz round trip while that happened. */
  worstHealthzMs: number;
  /**
   * Longest the event loop was held in that time (perf_hooks' event-loop delay, 10 ms resolution):
   * /healthz probes alone miss a stall that falls between two of them.
   */
  maxLoopDelayMs: number;
  probes: number;
}

function healthz(port: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    });
    req.on('error', reject);
  });
}

export async function measureReload(prescient: Prescient, configFile: string, text: string, timeoutMs = 120_000): Promise<ReloadMeasurement> {
  const before = prescient.config;
  let worst = 0;
  let probes = 0;
  let done = false;
  const prober = (async () => {
    while (!done) {
      worst = Math.max(worst, await healthz(prescient.adminPort));
      probes++;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const tmp = `${configFile}.tmp`;
  await fs.writeFile(tmp, text);
  const started = performance.now();
  await fs.rename(tmp, configFile);
  try {
    while (prescient.config === before) {
      if (performance.now() - started > timeoutMs) throw new Error(`the new config was not applied within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await prescient.settled();
    return { applyMs: performance.now() - started, worstHealthzMs: worst, maxLoopDelayMs: loopDelay.max / 1e6, probes };
  } finally {
    loopDelay.disable();
    done = true;
    await prober;
  }
}
