/** The one list of per-type renderers (DESIGN §11), in make-before-break push order. */
import { clusterRenderer } from './cluster.ts';
import { endpointRenderer } from './endpoint.ts';
import { listenerRenderer } from './listener.ts';
import type { ResourceRenderer } from './renderer.ts';
import { routeRenderer } from './route.ts';

export const RENDERERS: readonly ResourceRenderer[] = [clusterRenderer, endpointRenderer, listenerRenderer, routeRenderer];
