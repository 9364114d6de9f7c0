/**
 * Worker-thread entry of OffThreadReloader: loads config files (read, YAML parse, schema and
 * value checks) and runs the render check, the expensive part of a reload, away from the thread
 * that serves xDS and /healthz. Each message is `{ id, paths, now }`; each reply `{ id, result }`
 * with a ConfigLoadResult (plain data: it crosses the thread boundary by structured clone), or
 * `{ id, error }` when the load itself threw.
 */
import { parentPort } from 'node:worker_threads';
import { loadConfigFiles } from '../config/index.ts';
import { checkRendering } from './render-check.ts';

export interface ReloadRequest {
  id: number;
  paths: string[];
  now: number;
}

export type ReloadReply = { id: number; result: Awaited<ReturnType<typeof loadConfigFiles>> } | { id: number; error: string };

parentPort!.on('message', (req: ReloadRequest) => {
  void (async () => {
    let reply: ReloadReply;
    try {
      reply = { id: req.id, result: checkRendering(await loadConfigFiles(req.paths), req.now) };
    } catch (err) {
      reply = { id: req.id, error: (err as Error).stack ?? String(err) };
    }
    parentPort!.postMessage(reply);
  })();
});
