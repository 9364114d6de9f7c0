/**
 * Opens an onnxruntime-node session on the requested execution provider. onnxruntime-node throws
 * instead of falling back when several providers are listed together (`['cuda', 'cpu']`), so the
 * accelerator is tried alone and, if it cannot start, the session is reopened on the CPU with one
 * warning line. The provider actually used is returned, and shown in metrics.
 */
import { availableParallelism } from 'node:os';
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

/** CPU threading of a session. */
export interface SessionTuning {
  /**
   * Threads one operator may use (the calling thread included); default: the machine's available
   * parallelism. The LSTM parallelises each time step over the batch, so this scales inference.
   */
  readonly intraOpNumThreads?: number;
  /**
   * Whether idle pool threads spin waiting for work (onnxruntime's own default) or sleep (ours).
   * On the 2-core bench machine, shared with other jobs, spinning was never faster and at times
   * several times slower: a spinning thread takes the core the thread it waits for needs.
   */
  readonly allowSpinning?: boolean;
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

function sessionOptions(ep: ExecutionProvider, tuning: SessionTuning): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    // The graph is one chain (LSTM → Dense): nothing for inter-op parallelism to overlap.
    executionMode: 'sequential',
    intraOpNumThreads: tuning.intraOpNumThreads ?? availableParallelism(),
    // Severity 4 (fatal only) while probing an accelerator: onnxruntime would otherwise print its
    // own multi-line error for a missing provider library, on top of the one warning below.
    logSeverityLevel: ep === 'cpu' ? 2 : 4,
    extra: { session: { 'intra_op.allow_spinning': tuning.allowSpinning === true ? '1' : '0' } },
  };
}

export async function openSession(
  model: Uint8Array,
  provider: ExecutionProvider,
  logger: ForecastLogger,
  tuning: SessionTuning = {},
): Promise<OpenedSession> {
  const open = (ep: ExecutionProvider) => ort.InferenceSession.create(model, sessionOptions(ep, tuning));
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
