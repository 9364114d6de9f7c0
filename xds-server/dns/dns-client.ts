/**
 * Sends one DNS message to one server and returns the verified answer: UDP first, TCP when the
 * request is larger than a plain UDP message may be (512 bytes, RFC 1035 §4.2.1) or the answer
 * comes back truncated; each attempt gets a fresh id and TSIG time; transport failures (timeout,
 * refused connection) are retried with exponential backoff. A DNS error code (REFUSED, NXRRSET…)
 * is an answer, not a failure: it is returned for the caller to judge, never retried here.
 */
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { connect } from 'node:net';
import { signMessage, verifyResponse, type TsigKey, type TsigVerdict } from './tsig.ts';
import { FLAG, decodeMessage, type DecodedMessage } from './wire.ts';
import { CodedError } from '../../api/coded-error.ts';

export interface DnsServerAddress {
  readonly address: string;
  readonly port: number;
}

export interface DnsClientOptions {
  readonly server: DnsServerAddress;
  /** Signs every request and checks the TSIG on every response. */
  readonly key?: TsigKey;
  /** Per attempt. Default 2000 ms. */
  readonly timeoutMs?: number;
  /** Attempts per exchange (first try included). Default 3. */
  readonly attempts?: number;
  /** Wait before the second attempt; doubles for each later one, at most 8×. Default 250 ms. */
  readonly backoffMs?: number;
  /** Unix ms (TSIG time signed and checked). Default Date.now. */
  readonly now?: () => number;
  /** Message ids; default crypto-quality random is not needed, ids only pair answers. */
  readonly nextId?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface DnsExchange {
  readonly response: DecodedMessage;
  readonly rcode: number;
  /** undefined when the request was not signed. */
  readonly tsig: TsigVerdict | undefined;
  readonly transport: 'udp' | 'tcp';
  readonly attempts: number;
}

export class DnsTransportError extends CodedError<'PRESCIENT_DNS_UNREACHABLE'> {
  constructor(message: string, options?: ErrorOptions) {
    super('PRESCIENT_DNS_UNREACHABLE', message, options);
  }
}

const UDP_LIMIT = 512;

export class DnsClient {
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly now: () => number;
  private readonly nextId: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: DnsClientOptions) {
    this.timeoutMs = o.timeoutMs ?? 2000;
    this.attempts = Math.max(1, o.attempts ?? 3);
    this.backoffMs = o.backoffMs ?? 250;
    this.now = o.now ?? Date.now;
    let counter = Math.floor(Math.random() * 0xffff);
    this.nextId = o.nextId ?? (() => (counter = (counter + 1) & 0xffff));
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  get server(): DnsServerAddress {
    return this.o.server;
  }

  /** `build(id)` encodes the unsigned request. */
  async exchange(build: (id: number) => Uint8Array): Promise<DnsExchange> {
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await this.sleep(this.backoffMs * 2 ** Math.min(attempt - 2, 3));
      const id = this.nextId();
      const unsigned = build(id);
      const signed = this.o.key ? signMessage(unsigned, this.o.key, this.now() / 1000) : undefined;
      const request = signed?.bytes ?? unsigned;
      try {
        let transport: 'udp' | 'tcp' = request.length > UDP_LIMIT ? 'tcp' : 'udp';
        let bytes = transport === 'udp' ? await this.udp(request, id) : await this.tcp(request);
        let response = decodeMessage(bytes);
        if (transport === 'udp' && response.flags & FLAG.TC) {
          transport = 'tcp';
          bytes = await this.tcp(request);
          response = decodeMessage(bytes);
        }
        if (response.id !== id) throw new DnsTransportError(`answer id ${response.id} does not match request id ${id}`);
        const tsig = signed && this.o.key ? verifyResponse(bytes, this.o.key, signed.mac, this.now() / 1000) : undefined;
        return { response, rcode: response.rcode, tsig, transport, attempts: attempt };
      } catch (err) {
        lastError = err as Error;
      }
    }
    const where = `${this.o.server.address}:${this.o.server.port}`;
    throw new DnsTransportError(`no answer from DNS server ${where} after ${this.attempts} attempts: ${lastError?.message}`);
  }

  private udp(request: Uint8Array, id: number): Promise<Uint8Array> {
    const socket = createSocket(isIPv6(this.o.server.address) ? 'udp6' : 'udp4');
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`UDP timeout after ${this.timeoutMs} ms`)), this.timeoutMs);
      const finish = (err: Error | undefined, msg?: Uint8Array) => {
        clearTimeout(timer);
        socket.close();
        if (err) reject(err);
        else resolve(msg!);
      };
      socket.on('error', (err) => finish(err));
      socket.on('message', (msg) => {
        // Stray datagrams (late answers to an earlier attempt) are ignored.
        if (msg.length >= 2 && msg.readUInt16BE(0) === id) finish(undefined, new Uint8Array(msg));
      });
      socket.send(request, this.o.server.port, this.o.server.address, (err) => {
        if (err) finish(err);
      });
    });
  }

  private tcp(request: Uint8Array): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      const socket = connect({ host: this.o.server.address, port: this.o.server.port });
      const chunks: Buffer[] = [];
      let received = 0;
      const timer = setTimeout(() => finish(new Error(`TCP timeout after ${this.timeoutMs} ms`)), this.timeoutMs);
      const finish = (err: Error | undefined, msg?: Uint8Array) => {
        clearTimeout(timer);
        socket.destroy();
        if (err) reject(err);
        else resolve(msg!);
      };
      socket.on('error', (err) => finish(err));
      socket.on('connect', () => {
        const length = Buffer.alloc(2);
        length.writeUInt16BE(request.length);
        socket.write(Buffer.concat([length, request]));
      });
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        const all = Buffer.concat(chunks, received);
        if (all.length >= 2 && all.length >= 2 + all.readUInt16BE(0)) finish(undefined, new Uint8Array(all.subarray(2, 2 + all.readUInt16BE(0))));
      });
      socket.on('close', () => finish(new Error('TCP connection closed before a full answer')));
    });
  }
}
