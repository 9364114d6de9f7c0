/**
 * Reloads config when its files change. Directories are watched rather than file inodes, because
 * editors and Kubernetes replace files by renaming a new one over the old (the old inode's watch
 * would go silent). Events are debounced; loads never overlap, and a change that arrives during a
 * load schedules one more, so the last result reported always reflects the files on disk.
 * Other sources (custom resources) ask for a reload through `trigger()`, the same path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfigFiles, type ConfigLoadResult, type LoadOptions } from './loader.ts';

export interface WatchOptions<R extends ConfigLoadResult = ConfigLoadResult> extends LoadOptions {
  /** How to load on a change; default `loadConfigFiles` on this thread (the server passes a worker-backed one). */
  load?: (paths: readonly string[]) => Promise<R>;
  /** Quiet time after the last event before reloading. */
  debounceMs?: number;
  /** Called when a watch cannot be set up or fails; the other watches keep working. */
  onWatchError?: (err: Error) => void;
}

export interface ConfigWatcher {
  /** A change outside the files (a custom resource): reload, debounced like a file event. */
  trigger(): void;
  close(): void;
}

/** Directory to watch → which entry names matter there (`undefined`: any entry). */
function watchTargets(paths: readonly string[]): Map<string, Set<string> | undefined> {
  const targets = new Map<string, Set<string> | undefined>();
  for (const p of paths) {
    const isDir = (() => {
      try {
        return fs.statSync(p).isDirectory();
      } catch {
        return false;
      }
    })();
    if (isDir) {
      targets.set(path.resolve(p), undefined);
      continue;
    }
    const dir = path.dirname(path.resolve(p));
    if (targets.has(dir) && targets.get(dir) === undefined) continue;
    // `..data` is how Kubernetes swaps a mounted ConfigMap's files in one rename.
    const names = targets.get(dir) ?? new Set(['..data']);
    names.add(path.basename(p));
    targets.set(dir, names);
  }
  return targets;
}

export function watchConfig<R extends ConfigLoadResult = ConfigLoadResult>(
  paths: readonly string[],
  onResult: (result: R) => void,
  options: WatchOptions<R> = {},
): ConfigWatcher {
  const debounceMs = options.debounceMs ?? 100;
  const onWatchError = options.onWatchError ?? (() => {});
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let loading = false;
  let again = false;

  const reload = async (): Promise<void> => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      do {
        again = false;
        const result = options.load ? await options.load(paths) : ((await loadConfigFiles(paths, options)) as R);
        if (!closed) onResult(result);
      } while (again && !closed);
    } finally {
      loading = false;
    }
  };

  const changed = (): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), debounceMs);
  };

  const watchers: fs.FSWatcher[] = [];
  for (const [dir, names] of watchTargets(paths)) {
    try {
      const w = fs.watch(dir, (_event, filename) => {
        if (!names || filename === null || names.has(String(filename))) changed();
      });
      w.on('error', (err) => onWatchError(err));
      watchers.push(w);
    } catch (err) {
      onWatchError(err as Error);
    }
  }

  return {
    trigger: changed,
    close(): void {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
