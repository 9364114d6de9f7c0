/**
 * The server's push path with its delays, as production runs it: config + decision slices →
 * buildMeshModel → translate for the clients' flavor → (push delay) → each client applies the
 * decoded resources after its own apply delay (jittered, so clients do not switch in step). During
 * a control-plane stall nothing is pushed; the latest state goes out when the stall ends.
 */
import type { MeshConfig } from '../../../api/config.ts';
import type { Decisions } from '../../../api/decisions.ts';
import { buildMeshModel } from '../../../xds-server/model/build-mesh-model.ts';
import { translate, type ClientFlavor } from '../../../xds-server/translate/index.ts';
import { decodeMesh } from '../decode/decode-mesh.ts';
import type { DecodedMesh } from '../decode/decoded-types.ts';
import type { EventQueue } from '../event-queue.ts';
import type { SimClient } from '../lb/client-types.ts';
import type { SeededRng } from '../rng.ts';

export interface SimPublisherOptions {
  readonly queue: EventQueue;
  readonly now: () => number;
  readonly flavor: ClientFlavor;
  readonly clients: readonly SimClient[];
  readonly rng: SeededRng;
  readonly pushDelayMs: number;
  readonly applyDelayMs: number;
  readonly stalls: readonly { readonly atS: number; readonly forS: number }[];
  /** Called with each rendering client 0 applies (for the weight series). */
  readonly onApplied?: (mesh: DecodedMesh, tMs: number) => void;
}

export class SimPublisher {
  config: MeshConfig | undefined;
  decisions: Decisions = new Map();
  pushes = 0;
  private scheduled = false;

  constructor(private readonly o: SimPublisherOptions) {}

  /** Renders for the clients at once (the initial state, before traffic). */
  applyNow(): void {
    const mesh = this.render();
    for (const c of this.o.clients) c.apply(mesh);
    this.o.onApplied?.(mesh, this.o.queue.now);
  }

  /** Something changed: push after the push delay (coalescing changes made meanwhile). */
  changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const q = this.o.queue;
    const at = this.stallEnd(q.now + this.o.pushDelayMs);
    q.at(at, () => {
      this.scheduled = false;
      this.pushes++;
      const mesh = this.render();
      this.o.clients.forEach((c, i) => {
        q.after(this.o.applyDelayMs * (0.5 + this.o.rng.next()), () => {
          c.apply(mesh);
          if (i === 0) this.o.onApplied?.(mesh, q.now);
        });
      });
    });
  }

  /** `tMs`, or the end of the stall it falls in. */
  private stallEnd(tMs: number): number {
    for (const s of this.o.stalls) if (tMs >= s.atS * 1000 && tMs < (s.atS + s.forS) * 1000) return (s.atS + s.forS) * 1000;
    return tMs;
  }

  private render(): DecodedMesh {
    const model = buildMeshModel(this.config!, this.decisions, this.o.now());
    return decodeMesh(translate(model, { group: 'sim', flavor: this.o.flavor, labels: {} }), this.o.flavor);
  }
}
