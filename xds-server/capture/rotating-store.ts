/**
 * The capture sink's bounded, rotating store on disk: JSON lines appended to
 * `capture-<seq>.jsonl` (seq zero-padded, increasing), a new file once one reaches
 * `maxFileBytes`, and the oldest files deleted beyond `maxFiles`, so the disk used stays under
 * about maxFiles × maxFileBytes. Records wait in a bounded in-memory queue (count and bytes) for
 * one writer; when the queue is full a record is shed and counted, never waited for, so
 * answering mirrored requests never depends on the disk.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export interface RotatingStoreOptions {
  dir: string;
  /** Default 64 MiB. */
  maxFileBytes?: number;
  /** Default 8. */
  maxFiles?: number;
  /** Records waiting for the writer at most; default 10,000. */
  maxQueued?: number;
  /** Bytes waiting for the writer at most; default 16 MiB. */
  maxQueuedBytes?: number;
}

export interface StoreStats {
  written: number;
  shed: number;
  queued: number;
  /** Most records ever waiting at once. */
  queuedHighWater: number;
  /** Most bytes ever waiting at once. */
  queuedBytesHighWater: number;
  files: number;
  writeErrors: number;
  lastWriteError?: string;
}

const FILE = /^capture-(\d{9})\.jsonl$/;

export class RotatingStore {
  private readonly maxFileBytes: number;
  private readonly maxFiles: number;
  private readonly maxQueued: number;
  private readonly maxQueuedBytes: number;
  private queue: string[] = [];
  private queuedBytes = 0;
  private writing: Promise<void> | undefined;
  private file: fs.FileHandle | undefined;
  private fileBytes = 0;
  private seq = 0;
  private files: number[] = [];
  private closed = false;
  readonly stats: StoreStats = { written: 0, shed: 0, queued: 0, queuedHighWater: 0, queuedBytesHighWater: 0, files: 0, writeErrors: 0 };

  constructor(
    private readonly options: RotatingStoreOptions,
    private readonly onWritten: (n: number) => void = () => undefined,
    private readonly onShed: () => void = () => undefined,
  ) {
    this.maxFileBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
    this.maxFiles = Math.max(1, options.maxFiles ?? 8);
    this.maxQueued = options.maxQueued ?? 10_000;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 16 * 1024 * 1024;
  }

  /** Creates the directory and continues after the files already there. */
  async open(): Promise<void> {
    await fs.mkdir(this.options.dir, { recursive: true });
    this.files = (await fs.readdir(this.options.dir)).map((n) => FILE.exec(n)?.[1]).filter((s): s is string => s !== undefined).map(Number).sort((a, b) => a - b);
    this.seq = this.files.length ? this.files[this.files.length - 1]! : 0;
    await this.rotate();
  }

  /** Queues one record; false (and counted as shed) when the queue is full or the store closed. */
  offer(record: object): boolean {
    const line = `${JSON.stringify(record)}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.closed || this.queue.length >= this.maxQueued || this.queuedBytes + bytes > this.maxQueuedBytes) {
      this.stats.shed++;
      this.onShed();
      return false;
    }
    this.queue.push(line);
    this.queuedBytes += bytes;
    this.stats.queued = this.queue.length;
    this.stats.queuedHighWater = Math.max(this.stats.queuedHighWater, this.queue.length);
    this.stats.queuedBytesHighWater = Math.max(this.stats.queuedBytesHighWater, this.queuedBytes);
    this.writing ??= this.drain();
    return true;
  }

  /** Resolves once everything queued so far is on disk. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.file?.close();
    this.file = undefined;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue;
        this.queue = [];
        this.queuedBytes = 0;
        this.stats.queued = 0;
        let chunk: string[] = [];
        let chunkBytes = 0;
        for (const line of batch) {
          chunk.push(line);
          chunkBytes += Buffer.byteLength(line);
          if (this.fileBytes + chunkBytes >= this.maxFileBytes) {
            await this.write(chunk, chunkBytes);
            [chunk, chunkBytes] = [[], 0];
            await this.rotate();
          }
        }
        if (chunk.length) await this.write(chunk, chunkBytes);
      }
    } catch (err) {
      // The next file could not be opened: what is queued is shed; a later offer tries again.
      this.stats.writeErrors++;
      this.stats.lastWriteError = (err as Error).message;
      for (const _ of this.queue.splice(0)) {
        this.stats.shed++;
        this.onShed();
      }
      this.queuedBytes = 0;
      this.stats.queued = 0;
    } finally {
      this.writing = undefined;
    }
  }

  private async write(lines: string[], bytes: number): Promise<void> {
    try {
      if (!this.file) await this.rotate();
      await this.file!.write(lines.join(''));
      this.fileBytes += bytes;
      this.stats.written += lines.length;
      this.onWritten(lines.length);
    } catch (err) {
      // A full or failing disk sheds what could not be written; serving goes on.
      this.stats.writeErrors++;
      this.stats.lastWriteError = (err as Error).message;
      this.stats.shed += lines.length;
      for (let i = 0; i < lines.length; i++) this.onShed();
    }
  }

  private async rotate(): Promise<void> {
    const previous = this.file;
    this.file = undefined;
    await previous?.close();
    this.seq++;
    this.file = await fs.open(path.join(this.options.dir, fileName(this.seq)), 'a');
    this.fileBytes = 0;
    this.files.push(this.seq);
    while (this.files.length > this.maxFiles) {
      const oldest = this.files.shift()!;
      await fs.rm(path.join(this.options.dir, fileName(oldest)), { force: true });
    }
    this.stats.files = this.files.length;
  }
}

export function fileName(seq: number): string {
  return `capture-${String(seq).padStart(9, '0')}.jsonl`;
}
