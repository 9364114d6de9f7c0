/**
 * One recorded request: the format of the capture store (docs/capture.md), one JSON object per
 * line. Version 1. Fields are added, never renamed; readers ignore fields they do not know.
 */
export const CAPTURE_FORMAT_VERSION = 1;

export type CaptureProtocol = 'http/1.1' | 'h2' | 'grpc';

export interface CaptureRecord {
  /** Format version. */
  v: typeof CAPTURE_FORMAT_VERSION;
  /** Arrival, Unix ms. */
  ts: number;
  protocol: CaptureProtocol;
  /** Host or :authority as received (Envoy's copies end in "-shadow"). */
  authority: string;
  method: string;
  /** Path with query; for gRPC "/package.Service/Method". */
  path: string;
  /** gRPC only: "package.Service/Method". */
  grpcMethod?: string;
  /** After anonymisation (docs/capture.md). */
  headers: Record<string, string>;
  /** Request body bytes received (whole body, counted even when not kept). */
  requestBytes: number;
  /** The first `bodyPrefixBytes` of the body, base64; absent when not configured or empty. */
  bodyPrefix?: string;
}
