/**
 * A throwaway PKI made with openssl at test time: a CA, a server certificate for 127.0.0.1 and
 * client certificates whose URI SANs carry SPIFFE-style identities. Nothing is checked in.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestPki {
  dir: string;
  file(name: string): string;
  read(name: string): Buffer;
  /** Issues `<name>.crt` / `<name>.key` signed by the CA, with these URI SANs. */
  issueClient(name: string, uris: string[]): void;
  /** Issues `<name>.crt` / `<name>.key` signed by the CA for these DNS names or IP addresses (a server certificate). */
  issueServer(name: string, names: string[]): void;
  remove(): void;
}

export function makeTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prescient-pki-'));
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const issue = (name: string, san: string): void => {
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    fs.writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
  };
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=prescient-test-ca');
  issue('server', 'IP:127.0.0.1,DNS:localhost');
  const file = (name: string): string => path.join(dir, name);
  return {
    dir,
    file,
    read: (name) => fs.readFileSync(file(name)),
    issueClient: (name, uris) => issue(name, uris.length ? uris.map((u) => `URI:${u}`).join(',') : 'DNS:client.invalid'),
    issueServer: (name, names) => issue(name, names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',')),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
