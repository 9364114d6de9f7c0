import assert from 'node:assert/strict';
import { OutlierDetector } from '../../../../sandbox/sim/lb/outlier-detector.ts';
import { priorityLoad } from '../../../../sandbox/sim/lb/priority-load.ts';
import { SimHost } from '../../../../sandbox/sim/lb/sim-host.ts';

const level = (healthyPercent: number) => ({ healthy: healthyPercent, total: 100 });

describe('priority load and panic (Envoy load_balancing/priority, panic_threshold)', () => {
  it('matches the table in Envoy\'s priority-levels documentation (overprovisioning factor 1.4)', () => {
    const rows: [number, number, number, number][] = [
      [100, 100, 100, 0],
      [72, 100, 100, 0],
      [71, 100, 99, 1],
      [50, 100, 70, 30],
      [25, 100, 35, 65],
      [0, 100, 0, 100],
    ];
    for (const [p0, p1, l0, l1] of rows) assert.deepEqual(priorityLoad([level(p0), level(p1)]).load, [l0, l1], `P0 ${p0}% P1 ${p1}%`);
  });

  it('normalises when the total health is below 100 (P0 20%, P1 20% → 50/50) and then panics levels under 50% healthy', () => {
    const r = priorityLoad([level(20), level(20)]);
    assert.deepEqual(r.load, [50, 50]);
    assert.deepEqual(r.panic, [true, true]);
  });

  it('no panic while the normalised total is 100, even with a level under the threshold', () => {
    assert.deepEqual(priorityLoad([level(25), level(100)]).panic, [false, false]);
  });

  it('a single level under 50% healthy is in panic; with nothing healthy priority 0 takes all in panic', () => {
    assert.deepEqual(priorityLoad([level(40)]).panic, [true]);
    assert.deepEqual(priorityLoad([level(60)]).panic, [false]);
    assert.deepEqual(priorityLoad([level(0), level(0)]), { load: [100, 0], panic: [true, false] });
  });
});

describe('outlier detection (Envoy outlier_detection)', () => {
  const config = {
    consecutive5xx: 5,
    intervalMs: 10_000,
    baseEjectionTimeMs: 30_000,
    maxEjectionTimeMs: 300_000,
    maxEjectionPercent: 10,
    successRateMinimumHosts: 5,
    successRateRequestVolume: 100,
    successRateStdevFactor: 1.9,
    enforcingConsecutive5xx: 100,
    enforcingSuccessRate: 100,
  };
  const make = (n: number) => Array.from({ length: n }, (_, i) => new SimHost(`10.0.0.${i}:80`, i));

  it('ejects on the 5th consecutive failure (a success resets the count) and returns after base × ejections', () => {
    const hosts = make(3);
    const od = new OutlierDetector(config, () => undefined);
    const h = hosts[0]!;
    for (let i = 0; i < 4; i++) od.onResult(h, false, 0, hosts);
    od.onResult(h, true, 0, hosts);
    for (let i = 0; i < 4; i++) od.onResult(h, false, 0, hosts);
    assert.equal(h.ejected, false);
    od.onResult(h, false, 1000, hosts);
    assert.equal(h.ejected, true);
    od.onInterval(20_000, hosts);
    assert.equal(h.ejected, true, 'still inside 30 s');
    od.onInterval(31_000, hosts);
    assert.equal(h.ejected, false);
    // A second ejection right away lasts 2 × 30 s (the count decays one per clean interval).
    for (let i = 0; i < 5; i++) od.onResult(h, false, 32_000, hosts);
    assert.equal(h.ejected, true);
    od.onInterval(80_000, hosts);
    assert.equal(h.ejected, true, '48 s < 60 s');
    od.onInterval(93_000, hosts);
    assert.equal(h.ejected, false);
  });

  it('max_ejection_percent 10 still ejects one host of three, but not a second', () => {
    const hosts = make(3);
    const od = new OutlierDetector(config, () => undefined);
    for (const h of hosts.slice(0, 2)) for (let i = 0; i < 5; i++) od.onResult(h, false, 0, hosts);
    assert.deepEqual(hosts.map((h) => h.ejected), [true, false, false]);
  });

  it('success-rate ejection: a host far below the mean of ≥ 5 hosts with ≥ 100 requests is ejected at the interval', () => {
    const hosts = make(6);
    const od = new OutlierDetector({ ...config, maxEjectionPercent: 50, consecutive5xx: 1000 }, () => undefined);
    hosts.forEach((h, i) => {
      for (let r = 0; r < 200; r++) od.onResult(h, i === 5 ? r % 2 === 0 : r % 100 !== 0, 0, hosts);
    });
    od.onInterval(10_000, hosts);
    assert.deepEqual(hosts.map((h) => h.ejected), [false, false, false, false, false, true]);
  });
});
