/** Server credentials: plaintext, TLS, or mutual TLS when a client CA is given and required. */
import fs from 'node:fs';
import { ServerCredentials } from '@grpc/grpc-js';
import { CodedError } from '../../api/coded-error.ts';

export interface TlsOptions {
  certFile: string;
  keyFile: string;
  /** CA bundle that client certificates are checked against. */
  caFile?: string;
  /** Refuse clients without a certificate signed by `caFile` (mTLS). */
  requireClientCert?: boolean;
}

export class TlsConfigError extends CodedError<'XDS_TLS_CONFIG'> {
  constructor(message: string) {
    super('XDS_TLS_CONFIG', message);
  }
}

export function serverCredentials(tls: TlsOptions | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  if (tls.requireClientCert && !tls.caFile) {
    throw new TlsConfigError('XDS_TLS_CONFIG: requireClientCert needs caFile to verify client certificates against');
  }
  const read = (file: string, what: string): Buffer => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new TlsConfigError(`XDS_TLS_CONFIG: cannot read ${what} ${file}: ${(err as Error).message}`);
    }
  };
  const ca = tls.caFile ? read(tls.caFile, 'CA file') : null;
  const keyCert = { cert_chain: read(tls.certFile, 'certificate file'), private_key: read(tls.keyFile, 'key file') };
  return ServerCredentials.createSsl(ca, [keyCert], tls.requireClientCert ?? false);
}
