import assert from 'node:assert/strict';
import { eventually } from '../../support/eventually.ts';
import type { LoadReport } from '../../../api/telemetry.ts';
import { metricValue, startHarness, type Harness } from './harness.ts';

const interval = { seconds: 10 };
const localityStats = (over: Record<string, unknown> = {}) => ({
  locality: { region: 'eu', zone: 'eu-1', sub_zone: 'rack-1' },
  total_successful_requests: 90,
  total_error_requests: 10,
  total_issued_requests: 100,
  total_requests_in_progress: 2,
  load_metric_stats: [{ metric_name: 'cpu', num_requests_finished_with_metric: 4, total_metric_value: 2.5 }],
  ...over,
});

describe('LRS', () => {
  let h: Harness;
  let reports: LoadReport[];
  beforeEach(async () => {
    reports = [];
    h = await startHarness({ lrsSink: { onLoadReport: (r) => reports.push(r) }, lrsIntervalMs: 2500, clock: () => 42 });
  });
  afterEach(() => h.stop());

  it('answers with send_all_clusters and the interval, and delivers reports to the sink', async () => {
    const s = h.client.lrs();
    s.send({ node: { id: 'grpc-client-1' } });
    const res = await s.next();
    assert.equal(res.send_all_clusters, true);
    assert.equal(res.report_endpoint_granularity, true);
    assert.deepEqual(res.clusters, []);
    assert.deepEqual(res.load_reporting_interval, { seconds: 2, nanos: 500_000_000 });
    s.send({
      cluster_stats: [
        {
          cluster_name: 'svc',
          load_report_interval: interval,
          upstream_locality_stats: [
            localityStats({
              upstream_endpoint_stats: [{ address: { socket_address: { address: '10.0.0.1', port_value: 80 } }, total_successful_requests: 5, total_issued_requests: 5 }],
            }),
          ],
        },
      ],
    });
    await eventually(() => reports.length === 2, 2000, 10);
    assert.deepEqual(reports[0], {
      nodeId: 'grpc-client-1',
      // The authenticated source (without mTLS the peer address), not the node id the client chose.
      source: '127.0.0.1',
      cluster: 'svc',
      locality: { region: 'eu', zone: 'eu-1', subZone: 'rack-1' },
      intervalMs: 10_000,
      receivedAt: 42,
      successfulRequests: 90,
      errorRequests: 10,
      issuedRequests: 100,
      inProgressRequests: 2,
      loadMetrics: { cpu: { sum: 2.5, count: 4 } },
    });
    assert.equal(reports[1].endpoint, '10.0.0.1:80');
    assert.equal(reports[1].successfulRequests, 5);
  });

  it('rejects malformed entries, counts them, and keeps the stream alive', async () => {
    const s = h.client.lrs();
    s.send({ node: { id: 'n' } });
    await s.next();
    const rejectedBefore = await metricValue('prescient_lrs_reports_total', { result: 'rejected' });
    s.send({
      cluster_stats: [
        { cluster_name: '', load_report_interval: interval, upstream_locality_stats: [localityStats()] },
        { cluster_name: 'svc', upstream_locality_stats: [localityStats()] },
        { cluster_name: 'svc', load_report_interval: interval, upstream_locality_stats: [localityStats({ load_metric_stats: [{ metric_name: 'x', total_metric_value: Number.NaN }] })] },
        { cluster_name: 'ok', load_report_interval: interval, upstream_locality_stats: [localityStats()] },
      ],
    });
    s.send(Buffer.from([0xff, 0xff, 0xff])); // not a LoadStatsRequest at all
    s.send({ cluster_stats: [{ cluster_name: 'after', load_report_interval: interval, upstream_locality_stats: [localityStats()] }] });
    await eventually(() => reports.length === 2, 2000, 10);
    assert.deepEqual(reports.map((r) => r.cluster), ['ok', 'after']);
    assert.equal(await metricValue('prescient_lrs_reports_total', { result: 'rejected' }), rejectedBefore + 4);
  });
});

