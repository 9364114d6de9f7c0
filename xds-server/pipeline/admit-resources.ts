/**
 * One reload of files plus custom resources, with the admission rule of docs/config.md
 * ("Custom resources"): files stay all or nothing, but a custom resource with errors is left out
 * on its own — its last accepted version keeps serving if it has one — and the rest is accepted.
 * One team's bad resource must not freeze everyone else's edits until it is fixed.
 *
 * How: load and render-check everything; every error that lands on a custom resource excludes
 * that resource's current version (substituting its last accepted version), and the set is loaded
 * again, until it passes or only errors outside custom resources remain (files, or the rendering
 * as a whole): then the reload is refused as a whole, exactly as with files alone. Leaving one
 * resource out can break another (a Route naming a Service that was left out), which the next
 * round finds; each round excludes at least one more version, so the rounds are bounded.
 *
 * Everything here is plain data so it runs in the reload worker (reload-worker.ts).
 */
import { loadConfig, type ConfigError, type ConfigInput, type ConfigLoadResult, type InMemoryDocument } from '../config/index.ts';
import { checkRendering } from './render-check.ts';

/** A resource document with the generation it was read at (Kubernetes' metadata.generation). */
export interface ResourceDocument extends InMemoryDocument {
  readonly generation?: number;
}

export interface ResourceInput {
  /** The current version of every resource. */
  readonly current: readonly ResourceDocument[];
  /** The last accepted version of resources that have one (same origin as in `current`). */
  readonly lastAccepted: readonly ResourceDocument[];
}

/**
 * - `accepted`: the current version serves.
 * - `rejected`: the current version has errors of its own (`errors`); the last accepted version
 *   serves if `serving` is set, otherwise the resource is not in the configuration.
 * - `refused`: the resource is valid, but the reload was refused as a whole for errors outside
 *   custom resources (the configuration that was serving keeps serving).
 */
export type ResourceState = 'accepted' | 'rejected' | 'refused';

export interface ResourceVerdict {
  readonly origin: string;
  /** The generation that was checked. */
  readonly generation?: number;
  readonly state: ResourceState;
  readonly errors: ConfigError[];
  /** The version in the configuration after this load (absent when none). */
  readonly serving?: ResourceDocument;
}

export type AdmissionResult = ConfigLoadResult & { resources: ResourceVerdict[] };

export type Loader = (input: ConfigInput) => Promise<ConfigLoadResult>;

function byOrigin(errors: readonly ConfigError[], origins: ReadonlySet<string>): Map<string, ConfigError[]> {
  const out = new Map<string, ConfigError[]>();
  for (const e of errors) if (origins.has(e.file)) out.set(e.file, [...(out.get(e.file) ?? []), e]);
  return out;
}

/** `Kind/name` → origin of resources left out with nothing serving in their place. */
function leftOutNames(docs: readonly ResourceDocument[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of docs) {
    const v = d.value as { kind?: unknown; metadata?: { name?: unknown } } | undefined;
    if (typeof v?.kind === 'string' && typeof v.metadata?.name === 'string') out.set(`${v.kind}/${v.metadata.name}`, d.origin);
  }
  return out;
}

const NOT_DEFINED = /^names (\w+) "([^"]+)", which is not defined/;

/** "not defined" is misleading when the target exists but was left out for its own errors: say so. */
function explained(e: ConfigError, leftOut: ReadonlyMap<string, string>): ConfigError {
  const m = NOT_DEFINED.exec(e.message);
  const origin = m && leftOut.get(`${m[1]}/${m[2]}`);
  if (!origin) return e;
  return { ...e, message: `names ${m[1]} "${m[2]}", which is left out: ${origin} has errors of its own (see its status); fixing it resolves this too` };
}

export async function admitResources(paths: readonly string[], resources: ResourceInput | undefined, now: number, load: Loader = loadConfig): Promise<AdmissionResult> {
  const current = resources?.current ?? [];
  if (current.length === 0) return { ...checkRendering(await load({ paths }), now), resources: [] };
  const origins = new Set(current.map((d) => d.origin));
  const previous = new Map((resources?.lastAccepted ?? []).filter((d) => origins.has(d.origin)).map((d) => [d.origin, d]));
  /** Origin → errors of its current version, which is left out. */
  const own = new Map<string, ConfigError[]>();
  /** Origins whose last accepted version failed too: left out entirely. */
  const withoutPrevious = new Set<string>();
  const version = (d: ResourceDocument): ResourceDocument | undefined =>
    !own.has(d.origin) ? d : withoutPrevious.has(d.origin) ? undefined : previous.get(d.origin);

  let result: ConfigLoadResult;
  for (;;) {
    const documents = current.map(version).filter((d): d is ResourceDocument => d !== undefined);
    result = checkRendering(await load({ paths, documents: documents.map(({ origin, value }) => ({ origin, value })) }), now);
    if (result.ok) break;
    let progress = false;
    const leftOut = leftOutNames(current.filter((d) => own.has(d.origin) && version(d) === undefined));
    for (const [origin, errors] of byOrigin(result.errors, origins)) {
      if (!own.has(origin)) own.set(origin, errors.map((e) => explained(e, leftOut)));
      else if (!withoutPrevious.has(origin)) withoutPrevious.add(origin);
      else continue;
      progress = true;
    }
    if (!progress) break;
  }

  if (result.ok) {
    const verdicts = current.map((d): ResourceVerdict => {
      const serving = version(d);
      const errors = own.get(d.origin);
      const base = { origin: d.origin, ...(d.generation !== undefined && { generation: d.generation }) };
      if (!errors) return { ...base, state: 'accepted', errors: [], serving: d };
      return { ...base, state: 'rejected', errors, ...(serving && { serving }) };
    });
    return { ...result, resources: verdicts };
  }
  // Refused as a whole. The loop stops only when no error lands on a resource it still loads, so
  // what remains is outside custom resources; report it with every resource's own errors.
  const errors = [...result.errors, ...[...own.values()].flat()];
  const verdicts = current.map((d): ResourceVerdict => {
    const base = { origin: d.origin, ...(d.generation !== undefined && { generation: d.generation }) };
    // Nothing changes: the version accepted last (if any) keeps serving.
    const kept = previous.get(d.origin);
    const mine = own.get(d.origin);
    return { ...base, ...(mine ? { state: 'rejected', errors: mine } : { state: 'refused', errors: [] }), ...(kept && { serving: kept }) };
  });
  return { ok: false, errors, resources: verdicts };
}
