import assert from 'node:assert/strict';
import os from 'node:os';
import * as grpc from '@grpc/grpc-js';
import type { LoadReport } from '../../../../api/telemetry.ts';
import { RawXdsClient } from '../../../support/raw-ads-client.ts';
import { makeTestPki, type TestPki } from '../../../support/test-pki.ts';
import { eventually } from '../../../support/eventually.ts';
import { metricValue, startHarness, type Harness } from '../harness.ts';

const FRONTEND = 'spiffe://cluster.local/ns/shop/sa/frontend';
const INTRUDER = 'spiffe://cluster.local/ns/other/sa/intruder';

/** One report of 100 errors for `cluster`'s endpoint 10.0.0.1:80, as a forger would send. */
function errorReport(cluster: string): object {
  return {
    cluster_stats: [
      {
        cluster_name: cluster,
        load_report_interval: { seconds: 10 },
        upstream_locality_stats: [
          {
            upstream_endpoint_stats: [{ address: { socket_address: { address: '10.0.0.1', port_value: 80 } }, total_error_requests: 100, total_issued_requests: 100 }],
          },
        ],
      },
    ],
  };
}

/** Clusters the sink received reports for (a locality and an endpoint report each). */
const clusters = (reports: LoadReport[]): string[] => [...new Set(reports.map((r) => r.cluster))].sort();

/** Opens an LRS stream, waits for the server's answer, sends `reports`. */
async function report(client: RawXdsClient, nodeId: string, clusters: string[]): Promise<void> {
  const s = client.lrs();
  s.send({ node: { id: nodeId } });
  await s.next();
  for (const c of clusters) s.send(errorReport(c));
}

describe('LRS authentication (xds-access)', () => {
  describe('with mTLS', () => {
    let pki: TestPki;
    let h: Harness;
    let reports: LoadReport[];
    const clientOf = (name: string): RawXdsClient =>
      new RawXdsClient(h.address, grpc.credentials.createSsl(pki.read('ca.crt'), pki.read(`${name}.key`), pki.read(`${name}.crt`)));

    before(() => {
      pki = makeTestPki();
      pki.issueClient('frontend', [FRONTEND]);
      pki.issueClient('intruder', [INTRUDER]);
      pki.issueClient('anonymous', []);
    });
    after(() => pki.remove());
    beforeEach(async () => {
      reports = [];
      h = await startHarness({
        tls: { certFile: pki.file('server.crt'), keyFile: pki.file('server.key'), caFile: pki.file('ca.crt'), requireClientCert: true },
        access: { lrsIdentities: [{ identity: FRONTEND, clusters: ['payments', 'checkout-*'] }] },
        lrsSink: { onLoadReport: (r) => reports.push(r) },
      });
    });
    afterEach(() => h.stop());

    it('accepts reports only for the clusters the certificate identity is mapped to', async () => {
      const client = clientOf('frontend');
      try {
        const refusedBefore = await metricValue('prescient_lrs_reports_total', { result: 'unauthorized' });
        await report(client, 'sidecar-1', ['payments', 'search', 'checkout-eu']);
        await eventually(() => clusters(reports).length === 2, 2000, 10);
        await new Promise((r) => setTimeout(r, 100));
        assert.deepEqual(clusters(reports), ['checkout-eu', 'payments']);
        assert.equal((await metricValue('prescient_lrs_reports_total', { result: 'unauthorized' })) - refusedBefore, 1);
      } finally {
        client.close();
      }
    });

    it('attributes each report to the certificate identity, not the node id the client chose', async () => {
      const client = clientOf('frontend');
      try {
        await report(client, 'claims-to-be-someone-else', ['payments']);
        await eventually(() => reports.length > 0, 2000, 10);
        assert.deepEqual([...new Set(reports.map((r) => r.source))], [FRONTEND]);
      } finally {
        client.close();
      }
    });

    it('delivers nothing from a certificate with another identity or none', async () => {
      for (const name of ['intruder', 'anonymous']) {
        const client = clientOf(name);
        try {
          await report(client, `forger-${name}`, ['payments', 'checkout-eu']);
        } finally {
          setTimeout(() => client.close(), 300);
        }
      }
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(reports, []);
    });
  });

  describe('without mTLS', () => {
    let h: Harness | undefined;
    afterEach(() => h?.stop());

    /** A local address other than loopback, so the server sees a remote peer. */
    function nonLoopbackAddress(): string | undefined {
      return Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    }

    it('accepts load reports from a loopback peer', async () => {
      const reports: LoadReport[] = [];
      h = await startHarness({ lrsSink: { onLoadReport: (r) => reports.push(r) } });
      await report(h.client, 'local', ['payments']);
      await eventually(() => clusters(reports).length === 1, 2000, 10);
    });

    it('refuses a non-loopback peer with UNAUTHENTICATED unless explicitly allowed', async function () {
      const address = nonLoopbackAddress();
      if (!address) this.skip();
      for (const allow of [false, true]) {
        const reports: LoadReport[] = [];
        const server = await startHarness({ listenHost: '0.0.0.0', access: { allowRemoteUnauthenticatedLrs: allow }, lrsSink: { onLoadReport: (r) => reports.push(r) } });
        h = server;
        const client = new RawXdsClient(`${address}:${server.port}`);
        try {
          const s = client.lrs();
          s.send({ node: { id: 'remote' } });
          if (!allow) {
            const status = await s.status;
            assert.equal(status.code, grpc.status.UNAUTHENTICATED);
            assert.match(status.details, /^XDS_LRS_UNAUTHENTICATED: /);
          } else {
            await s.next();
            s.send(errorReport('payments'));
            await eventually(() => clusters(reports).length === 1, 2000, 10);
          }
          if (!allow) assert.deepEqual(reports, []);
        } finally {
          client.close();
          await server.stop();
          h = undefined;
        }
      }
    });
  });
});
