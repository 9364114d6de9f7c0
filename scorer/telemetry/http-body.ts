/**
 * Reads a request body up to a limit. Oversized bodies are refused as soon as the declared
 * Content-Length or the bytes received exceed it; the rest is drained (up to `DRAIN_FACTOR` times
 * the limit, then the socket is destroyed) so the client can still read the 413 instead of a reset.
 */
import type http from 'node:http';

const DRAIN_FACTOR = 8;

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' | 'aborted' };

export function readBody(req: http.IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    const chunks: Buffer[] = [];
    let received = 0;
    let tooLarge = declared > limit;
    const refuse = () => {
      resolve({ ok: false, reason: 'too_large' });
      req.on('data', () => {
        if (received > limit * DRAIN_FACTOR) req.destroy();
      });
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (tooLarge) return;
      if (received > limit) {
        tooLarge = true;
        chunks.length = 0;
        return refuse();
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) resolve({ ok: true, body: Buffer.concat(chunks) });
    });
    req.on('error', () => resolve({ ok: false, reason: 'aborted' }));
    if (tooLarge) refuse();
  });
}
