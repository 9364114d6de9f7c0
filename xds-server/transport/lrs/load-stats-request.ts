/** Decoding of LRS `LoadStatsRequest`s; undecodable bytes become a value, so the stream survives them. */
import { lookupType } from '../../envoy/protos.ts';
import type { NodeMessage } from '../discovery-messages.ts';
import { structToJson } from '../discovery-messages.ts';

export interface LoadStatsRequestMessage {
  node?: NodeMessage;
  /** envoy.config.endpoint.v3.ClusterStats in toObject form (uint64 as Number, may be unsafe). */
  cluster_stats: Record<string, unknown>[];
}

export type DecodedLoadStatsRequest = { ok: true; message: LoadStatsRequestMessage } | { ok: false; error: string };

const TO_OBJECT = { defaults: false, longs: Number, enums: String, arrays: true } as const;

export function decodeLoadStatsRequest(bytes: Buffer): DecodedLoadStatsRequest {
  try {
    const type = lookupType('envoy.service.load_stats.v3.LoadStatsRequest');
    const raw = type.toObject(type.decode(bytes), TO_OBJECT) as Record<string, any>;
    const node = raw.node
      ? { id: raw.node.id ?? '', cluster: raw.node.cluster ?? '', metadata: raw.node.metadata ? structToJson(raw.node.metadata) : {}, user_agent_name: raw.node.user_agent_name ?? '' }
      : undefined;
    return { ok: true, message: { node, cluster_stats: raw.cluster_stats ?? [] } };
  } catch (err) {
    return { ok: false, error: `undecodable LoadStatsRequest: ${(err as Error).message}` };
  }
}
