/**
 * Opens an onnxruntime-node session on the requested execution provider. onnxruntime-node throws
 * instead of falling back when several providers are listed together (`['cuda', 'cpu']`), so the
 * accelerator is tried alone and, if it cannot start, the session is reopened on the CPU with one
 * warning line. The provider actually used is returned, and shown in metrics.
 */
import * as ort from 'onnxruntime-node';
import type { Logger } from 'pino';
import { ForecastError } from './errors.ts';

export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'webgpu', 'tensorrt', 'dml', 'coreml'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

export type ForecastLogger = Pick<Logger, 'warn' | 'info'>;

export interface OpenedSession {
  readonly session: ort.InferenceSession;
  readonly provider: ExecutionProvider;
}

export function parseExecutionProvider(name: string): ExecutionProvider {
  const known = EXECUTION_PROVIDERS as readonly string[];
  if (!known.includes(name)) {
    throw new ForecastError(
      'FORECAST_PROVIDER_UNKNOWN',
      `execution provider '${name}' is not one of ${EXECUTION_PROVIDERS.join(', ')}`,
    );
  }
  return name as ExecutionProvider;
}

export async function openSession(
  model: Uint8Array,
  provider: ExecutionProvider,
  logger: ForecastLogger,
): Promise<OpenedSession> {
  // Severity 4 (fatal only) while probing an accelerator: onnxruntime would otherwise print its own
  // multi-line error for a missing provider library, on top of the one warning below.
  const open = (ep: ExecutionProvider) =>
    ort.InferenceSession.create(model, {
      executionProviders: [ep],
      graphOptimizationLevel: 'all',
      logSeverityLevel: ep === 'cpu' ? 2 : 4,
    });
  if (provider === 'cpu') return { session: await open('cpu'), provider: 'cpu' };
  try {
    return { session: await open(provider), provider };
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    logger.warn(
      { requested: provider, used: 'cpu', reason },
      `forecaster: execution provider '${provider}' is unavailable, falling back to cpu`,
    );
    return { session: await open('cpu'), provider: 'cpu' };
  }
}
