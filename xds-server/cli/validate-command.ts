/**
 * `prescient validate PATH...`: loads the files exactly as `serve` does, then renders the Envoy
 * resources for both client flavors and checks them against Envoy's own validation rules. Exit
 * status 0 when everything is valid, 1 otherwise, so it can gate a CI pipeline or a GitOps sync.
 */
import { NO_DECISIONS } from '../../api/decisions.ts';
import { loadConfigFiles, formatConfigError } from '../config/index.ts';
import { translate } from '../translate/index.ts';
import type { ClientFlavor } from '../translate/types.ts';
import { formatIssue, validateResources } from '../validate/index.ts';

export async function runValidate(paths: string[], opts: { json?: boolean }): Promise<number> {
  const result = await loadConfigFiles(paths);
  if (!result.ok) {
    if (opts.json) console.log(JSON.stringify({ ok: false, errors: result.errors }, null, 2));
    else for (const e of result.errors) console.error(formatConfigError(e));
    if (!opts.json) console.error(`${result.errors.length} error(s); nothing would be served from these files`);
    return 1;
  }
  const issues = (['envoy', 'grpc'] as ClientFlavor[]).flatMap((flavor) =>
    validateResources(translate({ config: result.config, decisions: NO_DECISIONS, now: Date.now() }, flavor)).map((issue) => ({ flavor, issue })),
  );
  if (opts.json) {
    console.log(JSON.stringify({ ok: issues.length === 0, documents: result.documents.length, issues }, null, 2));
  } else if (issues.length > 0) {
    for (const { flavor, issue } of issues) console.error(`[${flavor}] ${formatIssue(issue)}`);
  } else {
    console.log(`ok: ${result.documents.length} document(s) valid in ${paths.join(', ')}`);
  }
  return issues.length === 0 ? 0 : 1;
}
