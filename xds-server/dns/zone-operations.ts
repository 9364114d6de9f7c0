/**
 * The two things the DNS sink asks of an authoritative server: "what is this record set now?"
 * (a non-recursive query) and "apply this UPDATE" — each answer checked (rcode and TSIG) and
 * turned into an outcome the sink can act on.
 */
import type { DnsClient } from './dns-client.ts';
import { decodeRdata, typeCode, type RecordData, type RecordSet, type RecordType } from './record-data.ts';
import { encodeQuery, encodeUpdate, type UpdateRequest } from './update-message.ts';
import { RCODE, normalizeName, rcodeName } from './wire.ts';
import { CodedError } from '../../api/coded-error.ts';

export type ZoneOutcome =
  | { readonly kind: 'applied' }
  /** Prerequisites failed: the server's data is not what this writer believed (another writer, or a reset). */
  | { readonly kind: 'conflict'; readonly rcode: string }
  /** The server refused (REFUSED, NOTAUTH, NOTZONE…) or failed; `detail` says why, TSIG included. */
  | { readonly kind: 'refused'; readonly rcode: string; readonly detail: string }
  /** The answer's TSIG did not verify: nothing in it can be trusted. */
  | { readonly kind: 'unverified'; readonly detail: string };

export class DnsAnswerError extends CodedError<'PRESCIENT_DNS_REFUSED' | 'PRESCIENT_DNS_TSIG'> {}

export async function sendUpdate(client: DnsClient, request: UpdateRequest): Promise<ZoneOutcome> {
  const x = await client.exchange((id) => encodeUpdate(id, request));
  if (x.tsig && !x.tsig.ok) {
    // The server could not verify our signature: it says so in its (unsigned) answer's TSIG error.
    if (x.tsig.reason === 'rejected' || (x.tsig.reason === 'unsigned' && x.rcode !== RCODE.NOERROR)) {
      return { kind: 'refused', rcode: rcodeName(x.rcode), detail: x.tsig.detail };
    }
    return { kind: 'unverified', detail: x.tsig.detail };
  }
  if (x.rcode === RCODE.NOERROR) return { kind: 'applied' };
  if (x.rcode === RCODE.NXRRSET || x.rcode === RCODE.YXRRSET || x.rcode === RCODE.NXDOMAIN || x.rcode === RCODE.YXDOMAIN) {
    return { kind: 'conflict', rcode: rcodeName(x.rcode) };
  }
  return { kind: 'refused', rcode: rcodeName(x.rcode), detail: `the server answered ${rcodeName(x.rcode)} to an update of zone ${request.zone}` };
}

/**
 * The record set as the server holds it now (empty records when there is none). Signed like
 * updates when the client has a key, so a forged answer cannot steer the next update.
 */
export async function readRecordSet(client: DnsClient, name: string, type: RecordType): Promise<RecordSet> {
  const x = await client.exchange((id) => encodeQuery(id, name, type));
  if (x.tsig && !x.tsig.ok) {
    // The server refusing our key is a refusal; an answer that does not verify is a TSIG failure.
    const refused = x.tsig.reason === 'rejected' || (x.tsig.reason === 'unsigned' && x.rcode !== RCODE.NOERROR);
    throw new DnsAnswerError(refused ? 'PRESCIENT_DNS_REFUSED' : 'PRESCIENT_DNS_TSIG', `query for ${name} ${type} answered ${rcodeName(x.rcode)}: ${x.tsig.detail}`);
  }
  if (x.rcode !== RCODE.NOERROR && x.rcode !== RCODE.NXDOMAIN) {
    throw new DnsAnswerError('PRESCIENT_DNS_REFUSED', `query for ${name} ${type} answered ${rcodeName(x.rcode)}`);
  }
  const wanted = normalizeName(name);
  const records: RecordData[] = [];
  let ttl = 0;
  for (const rr of x.response.answers) {
    if (rr.type !== typeCode(type) || normalizeName(rr.name) !== wanted) continue;
    const data = decodeRdata(rr.type, x.response.bytes, rr.rdataStart, rr.rdata.length);
    if (data) {
      records.push(data);
      ttl = rr.ttl;
    }
  }
  return { name: wanted, type, ttl, records };
}
