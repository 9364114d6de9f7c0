/**
 * The last gate before a configuration is accepted: render it for both client flavors and check
 * the result against Envoy's validation rules and cross references. A configuration that passes
 * its schemas but would render something Envoy rejects is refused like any other bad reload —
 * the previous configuration keeps serving and the error names the document and path — instead
 * of being accepted and then silently not published.
 */
import { NO_DECISIONS } from '../../api/decisions.ts';
import { CONFIG_ERROR, type ConfigError, type ConfigLoadResult } from '../config/index.ts';
import { buildMeshModel } from '../model/build-mesh-model.ts';
import { translate } from '../translate/index.ts';
import type { ClientFlavor } from '../translate/types.ts';
import { validateResources } from '../validate/index.ts';

const FLAVORS: readonly ClientFlavor[] = ['envoy', 'grpc'];

export function renderErrors(result: Extract<ConfigLoadResult, { ok: true }>, now: number): ConfigError[] {
  const seen = new Set<string>();
  const errors: ConfigError[] = [];
  const model = buildMeshModel(result.config, NO_DECISIONS, now);
  for (const flavor of FLAVORS) {
    let issues;
    try {
      issues = validateResources(translate(model, { group: `render-check:${flavor}`, flavor, labels: {} }));
    } catch (err) {
      errors.push({ code: CONFIG_ERROR.envoy, file: '', documentIndex: -1, path: '', message: `cannot be rendered for ${flavor} clients: ${(err as Error).message}` });
      continue;
    }
    for (const i of issues) {
      const message = `renders ${i.resourceName} (${i.typeUrl.slice(i.typeUrl.lastIndexOf('.') + 1)}) with ${i.fieldPath || 'the resource'} breaking ${i.rule}: ${i.message}`;
      const key = `${i.origin.file}|${i.origin.documentIndex}|${i.origin.path}|${message}`;
      if (seen.has(key)) continue; // the same issue usually shows in both flavors
      seen.add(key);
      errors.push({ code: CONFIG_ERROR.envoy, file: i.origin.file, documentIndex: i.origin.documentIndex, path: i.origin.path, message });
    }
  }
  return errors;
}

/** `result`, or a refusal carrying the render errors when there are any. */
export function checkRendering(result: ConfigLoadResult, now: number): ConfigLoadResult {
  if (!result.ok) return result;
  const errors = renderErrors(result, now);
  return errors.length > 0 ? { ok: false, errors } : result;
}
