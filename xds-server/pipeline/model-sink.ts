/**
 * A consumer of the mesh model: every push builds the model once and hands the same object to
 * each sink (xDS publishing now; DNS, generated manifests and scaling actuators later). A sink
 * must not throw for a bad model: it reports and keeps its last good output.
 */
import type { MeshModel } from '../../api/mesh-model.ts';

export interface ModelSink {
  readonly name: string;
  /** A sink may work asynchronously (in slices); the next push waits for it. */
  onModel(model: MeshModel): void | Promise<unknown>;
}
