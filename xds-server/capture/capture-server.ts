/**
 * The capture sink's listener: Prescient as a mirror target (DESIGN §6). One TCP port speaks
 * HTTP/1.1 and HTTP/2 with prior knowledge (what Envoy uses for `http2`/`grpc` clusters), told
 * apart by the HTTP/2 connection preface. Every request is answered at once — 200 with an empty
 * body, or for gRPC an empty message and status OK — and its metadata is handed to the store
 * when its body ends; the store sheds instead of waiting, so answers never depend on the disk.
 */
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { Clock } from '../../api/clock.ts';
import type { Anonymiser } from './anonymiser.ts';
import { CAPTURE_FORMAT_VERSION, type CaptureProtocol, type CaptureRecord } from './capture-record.ts';
import type { CaptureMetrics } from './metrics.ts';

export interface CaptureServerOptions {
  /** Keep this many first bytes of each request body (0 = none; default 0). */
  bodyPrefixBytes?: number;
}

/** Where finished records go (the rotating store's `offer`). */
export type RecordSink = (record: CaptureRecord) => void;

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n');
/** An empty gRPC message: not compressed, length 0. Decodes as the default of any message type. */
const EMPTY_GRPC_MESSAGE = Buffer.alloc(5);

/** Collects what a record needs of a body: its size and its first bytes. */
class BodyTally {
  bytes = 0;
  private readonly prefix: Buffer[] = [];
  private kept = 0;
  constructor(private readonly limit: number) {}
  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.kept < this.limit) {
      const part = chunk.subarray(0, this.limit - this.kept);
      this.prefix.push(part);
      this.kept += part.length;
    }
  }
  encoded(): string | undefined {
    return this.kept ? Buffer.concat(this.prefix).toString('base64') : undefined;
  }
}

export class CaptureServer {
  private readonly tcp: net.Server;
  private readonly h1: http.Server;
  private readonly h2: http2.Http2Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly prefixBytes: number;
  port = 0;

  constructor(
    private readonly sink: RecordSink,
    private readonly anonymiser: Anonymiser,
    private readonly clock: Clock,
    private readonly metrics: CaptureMetrics,
    options: CaptureServerOptions = {},
  ) {
    this.prefixBytes = options.bodyPrefixBytes ?? 0;
    this.h1 = http.createServer((req, res) => this.onHttp1(req, res));
    this.h1.keepAliveTimeout = 60_000;
    this.h2 = http2.createServer({ settings: { maxConcurrentStreams: 1000 } });
    this.h2.on('stream', (stream, headers) => this.onHttp2(stream as http2.ServerHttp2Stream, headers));
    this.h2.on('sessionError', () => undefined);
    this.tcp = net.createServer((socket) => this.route(socket));
  }

  async listen(address: string): Promise<number> {
    const i = address.lastIndexOf(':');
    await new Promise<void>((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen(Number(address.slice(i + 1)), address.slice(0, i), () => resolve());
    });
    this.port = (this.tcp.address() as net.AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }

  /** Reads until the bytes tell HTTP/2's preface from an HTTP/1.1 request line, then hands the socket over. */
  private route(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const n = Math.min(head.length, PREFACE.length);
      const maybeH2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (maybeH2 && head.length < PREFACE.length) return;
      socket.off('data', onData);
      socket.pause();
      socket.unshift(head);
      // HTTP/2 reads what is buffered on the socket when it takes it over; HTTP/1.1 reads the
      // socket as a stream, which must flow again.
      if (maybeH2) this.h2.emit('connection', socket);
      else {
        this.h1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  }

  private onHttp1(req: http.IncomingMessage, res: http.ServerResponse): void {
    const ts = this.clock.now();
    res.writeHead(200, { 'content-length': '0' }).end();
    const body = new BodyTally(this.prefixBytes);
    req.on('data', (c: Buffer) => body.add(c));
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.record('http/1.1', ts, req.headers.host ?? '', req.method ?? '', req.url ?? '', req.headers, body);
    };
    req.once('end', finish);
    req.once('close', finish);
  }

  private onHttp2(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    const ts = this.clock.now();
    const grpc = String(headers['content-type'] ?? '').startsWith('application/grpc');
    stream.on('error', () => undefined);
    if (grpc) {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(EMPTY_GRPC_MESSAGE);
    } else {
      stream.respond({ ':status': 200, 'content-length': '0' }, { endStream: true });
    }
    const body = new BodyTally(this.prefixBytes);
    stream.on('data', (c: Buffer) => body.add(c));
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.record(grpc ? 'grpc' : 'h2', ts, String(headers[':authority'] ?? headers.host ?? ''), String(headers[':method'] ?? ''), String(headers[':path'] ?? ''), headers, body);
    };
    stream.once('end', finish);
    stream.once('close', finish);
  }

  private record(protocol: CaptureProtocol, ts: number, authority: string, method: string, path: string, headers: Readonly<Record<string, string | string[] | undefined>>, body: BodyTally): void {
    this.metrics.requests.inc({ protocol });
    const bodyPrefix = body.encoded();
    const record: CaptureRecord = {
      v: CAPTURE_FORMAT_VERSION,
      ts,
      protocol,
      authority,
      method,
      path,
      ...(protocol === 'grpc' && { grpcMethod: path.replace(/^\//, '') }),
      headers: this.anonymiser.headers(headers),
      requestBytes: body.bytes,
      ...(bodyPrefix !== undefined && { bodyPrefix }),
    };
    this.sink(record);
  }
}
