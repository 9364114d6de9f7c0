/**
 * Worker-thread entry of OffThreadReloader: loads config files (read, YAML parse, schema and
 * value checks) and runs the render check, the expensive part of a reload, away from the thread
 * that serves xDS and /healthz. Each message is `{ id, paths, now, resources? }` (custom resources
 * are admitted with the files, admit-resources.ts); each reply `{ id, result }` with an
 * AdmissionResult (plain data: it crosses the thread boundary by structured clone), or
 * `{ id, error }` when the load itself threw.
 */
import { parentPort } from 'node:worker_threads';
import { admitResources, type AdmissionResult, type ResourceInput } from './admit-resources.ts';

export interface ReloadRequest {
  id: number;
  paths: string[];
  now: number;
  resources?: ResourceInput;
}

export type ReloadReply = { id: number; result: AdmissionResult } | { id: number; error: string };

parentPort!.on('message', (req: ReloadRequest) => {
  void (async () => {
    let reply: ReloadReply;
    try {
      reply = { id: req.id, result: await admitResources(req.paths, req.resources, req.now) };
    } catch (err) {
      reply = { id: req.id, error: (err as Error).stack ?? String(err) };
    }
    parentPort!.postMessage(reply);
  })();
});
