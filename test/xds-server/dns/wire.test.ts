/** The hand-written parts of the DNS wire codec: IPv6 text ↔ bytes, names with compression pointers, SRV data. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeRdata, encodeRdata, recordKey } from '../../../xds-server/dns/record-data.ts';
import { encodeName, readName, WireError } from '../../../xds-server/dns/wire.ts';

/** Node's URL parser writes IPv6 in the RFC 5952 form: the reference for our formatter. */
const canonical = (v6: string) => new URL(`http://[${v6}]/`).hostname.slice(1, -1);

describe('DNS wire codec', () => {
  it('round-trips IPv6 addresses in every written form, formatting them as RFC 5952 does', () => {
    for (const text of ['::', '::1', '2001:db8::1', '2001:DB8:0:0:1:0:0:1', 'fe80::1:2:3:4', '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8', '1::']) {
      const bytes = encodeRdata({ type: 'AAAA', address: text });
      assert.equal(bytes.length, 16);
      const back = decodeRdata(28, bytes, 0, 16);
      assert.equal(back?.type === 'AAAA' && back.address, canonical(text), text);
    }
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        const back = decodeRdata(28, encodeRdata({ type: 'AAAA', address: text }), 0, 16);
        return back?.type === 'AAAA' && back.address === canonical(text);
      }),
    );
    // Two spellings of one address are one record.
    assert.equal(recordKey({ type: 'AAAA', address: '2001:db8::1' }), recordKey({ type: 'AAAA', address: '2001:0DB8:0:0:0:0:0:1' }));
  });

  it('reads names through compression pointers and refuses loops', () => {
    // "mesh.test" at offset 0, then "api" + pointer to 0 at offset 11.
    const msg = Uint8Array.from([...encodeName('mesh.test'), 3, 0x61, 0x70, 0x69, 0xc0, 0x00]);
    assert.deepEqual(readName(msg, 11), { name: 'api.mesh.test', next: 17 });
    assert.throws(() => readName(Uint8Array.from([0xc0, 0x00]), 0), WireError);
    assert.throws(() => encodeName(`${'a'.repeat(64)}.test`), WireError);
  });

  it('encodes SRV data with an uncompressed target and decodes it back', () => {
    const srv = { type: 'SRV' as const, priority: 0, weight: 60, port: 50051, target: 'ip4-10-0-0-1.api.mesh.test' };
    const bytes = encodeRdata(srv);
    assert.deepEqual(decodeRdata(33, bytes, 0, bytes.length), srv);
  });
});
