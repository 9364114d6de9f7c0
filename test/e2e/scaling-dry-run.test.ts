/**
 * Predictive scaling through a running Prescient with the scorer on: cpu pushed through the ingest
 * API stays above the policy's threshold, the dry-run actuator records a scale-out, and the admin
 * API (`/debug/scaling`), `prescient scale decisions` and the audit trail show it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/envoy-binary.ts';
import { eventually } from '../support/eventually.ts';
import { PrescientHarness } from '../support/prescient-harness.ts';

const run = promisify(execFile);

describe('e2e: scaling decisions with the dry-run actuator', function () {
  this.timeout(60_000);
  let h: PrescientHarness;

  before(async () => {
    h = await PrescientHarness.start(
      [
        { kind: 'Service', name: 'greeter', spec: { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port: 50051 }, { address: '127.0.0.1', port: 50052 }] } },
        { kind: 'ScalingPolicy', name: 'greeter', spec: { service: 'greeter', metric: 'cpu', scaleOutAbove: 0.8, duration: '3s', cooldown: '1m', interval: '250ms', maxReplicas: 4 } },
      ],
      { scorer: { retrain: false } },
    );
  });
  after(() => h?.stop());

  it('records a scale-out on sustained cpu, visible on the admin API, the CLI and the audit trail', async () => {
    const push = async () => {
      const now = Date.now();
      const observations = [];
      for (let t = now - 5000; t <= now; t += 500) for (const endpoint of ['127.0.0.1:50051', '127.0.0.1:50052']) observations.push({ service: 'greeter', endpoint, at: t, metrics: { cpu: 0.93 } });
      const res = await fetch(`http://127.0.0.1:${h.prescient.adminPort}/v1/telemetry`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ observations }) });
      assert.ok(res.ok, `ingest answered ${res.status}: ${await res.text()}`);
    };
    await eventually(async () => {
      await push();
      return (await h.adminJson('/debug/scaling')).decisions.length > 0;
    }, 20_000, 500, 'a scaling decision');
    const s = await h.adminJson('/debug/scaling');
    const d = s.decisions[0];
    assert.deepEqual([d.action, d.from, d.to, d.actuator, d.applied, d.basis], ['scale-out', 2, 3, 'dryRun', true, 'observed']);
    assert.equal(s.policies[0].replicas, 3);
    const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'bin/prescient.js'), 'scale', 'decisions', '--admin', `http://127.0.0.1:${h.prescient.adminPort}`], { timeout: 30_000 });
    assert.match(stdout, /greeter\s+scale-out 2 → 3\s+observed\s+applied \(dryRun\)/);
    const audit = (await h.adminJson('/debug/audit?action=scaling.')).entries;
    assert.equal(audit[0].subject, 'greeter');
    assert.equal(audit[0].evidence.actuator, 'dryRun');
  });
});
