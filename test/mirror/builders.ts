/** Fixture builders for mirror tests. */
import { API_VERSION } from '../../api/config.ts';
import type { Doc } from '../xds-server/config/builders.ts';

export function mirrorDoc(name: string, service: string, targets: Doc[], extra: Doc = {}): Doc {
  return { apiVersion: API_VERSION, kind: 'MirrorRule', metadata: { name }, spec: { service, targets, ...extra } };
}
