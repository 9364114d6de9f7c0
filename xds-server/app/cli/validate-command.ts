/**
 * `prescient validate PATH...`: loads the files exactly as `serve` does — schemas, references,
 * and the Envoy resources they render for both client flavors checked against Envoy's own rules.
 * Exit status 0 when everything is valid, 1 otherwise, so it can gate a CI pipeline or a GitOps
 * sync.
 */
import { loadConfigFiles, formatConfigError } from '../../config/index.ts';
import { checkRendering } from '../../pipeline/render-check.ts';

export async function runValidate(paths: string[], opts: { json?: boolean }): Promise<number> {
  const loaded = await loadConfigFiles(paths);
  const result = checkRendering(loaded, Date.now());
  if (opts.json) {
    console.log(JSON.stringify(result.ok ? { ok: true, documents: result.documents.length } : { ok: false, errors: result.errors }, null, 2));
  } else if (result.ok) {
    console.log(`ok: ${result.documents.length} document(s) valid in ${paths.join(', ')}`);
  } else {
    for (const e of result.errors) console.error(formatConfigError(e));
    console.error(`${result.errors.length} error(s); nothing would be served from these files`);
  }
  return result.ok ? 0 : 1;
}
