/**
 * `prescient shadow render DEPLOYMENT.yaml [--factor F]`: the shadow Deployment and its egress
 * NetworkPolicy as YAML on stdout (mirror/shadow-render.ts). `prescient shadow status`: each
 * ShadowNetwork with its cluster, fidelity and endpoints, from a running Prescient.
 */
import fs from 'node:fs/promises';
import YAML from 'yaml';
import { CodedError } from '../../../api/coded-error.ts';
import type { ShadowStatus } from '../../../mirror/shadow-networks.ts';
import { DEFAULT_REPLICA_FACTOR } from '../../../mirror/shadow-networks.ts';
import { renderShadow } from '../../../mirror/shadow-render.ts';
import { formatTable, getJson, guarded } from './admin-client.ts';
import type { InspectFlags } from './inspect-commands.ts';
import { describeSelection } from './mirror-command.ts';

export async function runShadowRender(file: string, flags: { factor?: number }): Promise<number> {
  try {
    const docs = YAML.parseAllDocuments(await fs.readFile(file, 'utf8')).map((d) => d.toJS());
    const deployments = docs.filter((d) => d?.kind === 'Deployment');
    if (!deployments.length) {
      console.error(`error: ${file} holds no Deployment`);
      return 1;
    }
    const out = deployments.flatMap((d) => renderShadow(d, { factor: flags.factor ?? DEFAULT_REPLICA_FACTOR }));
    process.stdout.write(out.map((o) => YAML.stringify(o)).join('---\n'));
    return 0;
  } catch (err) {
    if (err instanceof CodedError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(`error: ${(err as Error).message}`);
      return 1;
    }
    throw err;
  }
}

export async function runShadowStatus(flags: InspectFlags): Promise<number> {
  return guarded(async () => {
    const { shadows } = await getJson<{ shadows: ShadowStatus[] }>(flags, 'debug/mirrors');
    if (flags.json) console.log(JSON.stringify(shadows, null, 2));
    else if (!shadows.length) console.log('no ShadowNetwork or Service shadow template is configured');
    else {
      const fidelity = (s: ShadowStatus) => (s.fidelity === 'sampled' ? `sampled ${s.percent}%` : s.fidelity === 'event' ? `event: ${(s.events ?? []).map(describeSelection).join(' or ')}` : 'full');
      console.log(formatTable(['SHADOW', 'FROM', 'SERVICE', 'CLUSTER', 'ENABLED', 'FIDELITY', 'SCOPE', 'ENDPOINTS', 'REPLICA FACTOR'], shadows.map((s) => [
        s.name, s.source, s.service, s.cluster, s.enabled ? 'yes' : 'no', fidelity(s), s.graph ? `graph: ${s.graph.join(', ')}` : s.scope, String(s.endpoints), String(s.replicaFactor),
      ])));
    }
    return 0;
  });
}
