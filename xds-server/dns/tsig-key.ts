/**
 * Where TSIG key material comes from: a BIND key file (what `tsig-keygen` prints) or an environment
 * variable, never the config document itself (documents are stored, diffed and shown on /debug
 * pages; a secret must not be).
 */
import { readFile } from 'node:fs/promises';
import { TSIG_ALGORITHMS, type TsigAlgorithm, type TsigKey } from './tsig.ts';
import { CodedError } from '../../api/coded-error.ts';

export interface TsigKeyRef {
  /** Key name as configured on the server. With a key file, picks the key when the file has several. */
  readonly name?: string;
  readonly algorithm?: TsigAlgorithm;
  /** Path of a BIND key file: `key "NAME" { algorithm hmac-sha256; secret "BASE64"; };`. */
  readonly file?: string;
  /** Environment variable holding either the base64 secret or a BIND key clause. */
  readonly env?: string;
}

export class TsigKeyError extends CodedError<'PRESCIENT_DNS_TSIG_KEY'> {
  constructor(message: string, options?: ErrorOptions) {
    super('PRESCIENT_DNS_TSIG_KEY', message, options);
  }
}

const KEY_CLAUSE = /key\s+"?([^"\s{]+)"?\s*\{([^}]*)\}/g;

/**
 * BIND's three comment styles (`#`, `//`, C block), outside quoted strings only: a base64 secret
 * may well contain `//`.
 */
export function stripComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      const stop = end < 0 ? text.length : end + 1;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Every `key` clause in BIND configuration text. */
export function parseBindKeys(text: string): TsigKey[] {
  const keys: TsigKey[] = [];
  const uncommented = stripComments(text);
  for (const m of uncommented.matchAll(KEY_CLAUSE)) {
    const body = m[2]!;
    const algorithm = /algorithm\s+"?([\w-]+)"?\s*;/.exec(body)?.[1]?.toLowerCase();
    const secret = /secret\s+"([^"]+)"\s*;/.exec(body)?.[1];
    if (!algorithm || !secret) throw new TsigKeyError(`key "${m[1]}" lacks an algorithm or a secret`);
    keys.push({ name: m[1]!.replace(/\.$/, '').toLowerCase(), algorithm: checkAlgorithm(algorithm), secret: decodeSecret(secret, m[1]!) });
  }
  return keys;
}

function checkAlgorithm(algorithm: string): TsigAlgorithm {
  if (!(algorithm in TSIG_ALGORITHMS)) {
    throw new TsigKeyError(`TSIG algorithm ${algorithm} is not supported; use one of ${Object.keys(TSIG_ALGORITHMS).join(', ')}`);
  }
  return algorithm as TsigAlgorithm;
}

function decodeSecret(base64: string, keyName: string): Uint8Array {
  const text = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new TsigKeyError(`the secret of key ${keyName} is not base64`);
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  if (bytes.length < 16) throw new TsigKeyError(`the secret of key ${keyName} is ${bytes.length} bytes; use at least 16 (tsig-keygen makes 32)`);
  return bytes;
}

function pick(keys: TsigKey[], ref: TsigKeyRef, source: string): TsigKey {
  const wanted = ref.name?.replace(/\.$/, '').toLowerCase();
  const found = wanted === undefined ? keys : keys.filter((k) => k.name === wanted);
  if (found.length !== 1) {
    const names = keys.map((k) => k.name).join(', ') || 'none';
    throw new TsigKeyError(
      wanted === undefined
        ? `${source} holds ${keys.length} keys (${names}); name the one to use`
        : `${source} has no key named ${wanted} (it has: ${names})`,
    );
  }
  const key = found[0]!;
  if (ref.algorithm && ref.algorithm !== key.algorithm) {
    throw new TsigKeyError(`key ${key.name} in ${source} uses ${key.algorithm}, but the config says ${ref.algorithm}`);
  }
  return key;
}

/** Resolves a key reference; `env` is the process environment (injected for tests). */
export async function loadTsigKey(ref: TsigKeyRef, env: NodeJS.ProcessEnv = process.env): Promise<TsigKey> {
  if (ref.file !== undefined) {
    let text: string;
    try {
      text = await readFile(ref.file, 'utf8');
    } catch (err) {
      throw new TsigKeyError(`cannot read TSIG key file ${ref.file}: ${(err as Error).message}`);
    }
    return pick(parseBindKeys(text), ref, `key file ${ref.file}`);
  }
  if (ref.env !== undefined) {
    const value = env[ref.env];
    if (value === undefined || value.trim() === '') throw new TsigKeyError(`environment variable ${ref.env} (TSIG key) is not set`);
    if (/\bkey\b/.test(value)) return pick(parseBindKeys(value), ref, `environment variable ${ref.env}`);
    if (ref.name === undefined) throw new TsigKeyError(`the secret in ${ref.env} needs tsigKey.name in the DnsZone`);
    return { name: ref.name.replace(/\.$/, '').toLowerCase(), algorithm: ref.algorithm ?? 'hmac-sha256', secret: decodeSecret(value, ref.name) };
  }
  throw new TsigKeyError('a TSIG key reference needs a file or an env variable');
}
