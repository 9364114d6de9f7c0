/** The failover state machine on seeded histories of probe rounds (virtual time, no I/O). */
import assert from 'node:assert/strict';
import { DEFAULT_FAILOVER_SETTINGS, force, initialState, step, type FailoverSettings, type MachineState, type Transition } from '../../mirror/failover-machine.ts';

const S: FailoverSettings = { ...DEFAULT_FAILOVER_SETTINGS, dwellMs: 10_000, verifyMs: 4_000, healthyProbes: 5, flapWindowMs: 60_000, maxDwellMs: 40_000 };
const PROBE_MS = 250;

/** Runs `healthy(t)` every probe period from `from` to `to`; returns the final state and every transition. */
function run(m: MachineState, from: number, to: number, healthy: (t: number) => boolean, s = S): { m: MachineState; transitions: Transition[] } {
  const transitions: Transition[] = [];
  for (let t = from; t < to; t += PROBE_MS) {
    const up = healthy(t);
    const r = step(m, { at: t, healthy: up ? 2 : 0, total: 2, ...(up && { latencyMs: 3 }) }, s);
    m = r.next;
    transitions.push(...r.transitions);
  }
  return { m, transitions };
}

const path = (ts: Transition[]) => ts.map((t) => `${t.from}→${t.to}@${t.at}`);

describe('failover state machine', () => {
  it('fails over after failAfter bad rounds, and back only after dwell and verification', () => {
    const killedAt = 10_000;
    const restoredAt = 12_000;
    const { m, transitions } = run(initialState(0, S), 0, 40_000, (t) => t < killedAt || t >= restoredAt);
    assert.deepEqual(path(transitions), [
      'primary→failing-over@10250', // 2 bad rounds: 10000, 10250
      'failing-over→on-shadow@10500',
      'on-shadow→verifying@12000',
      // good since 12000: verify window (4 s) passed at 16000, but dwell (10 s from 10250) only at 20250
      'verifying→failing-back@20250',
      'failing-back→primary@20500',
    ]);
    assert.equal(m.switches, 2);
    assert.deepEqual(transitions[0]!.evidence, { healthy: '0/2', badStreak: 2, dwellMs: 10_000 });
    assert.equal(transitions[3]!.evidence.goodStreak, 34, "12000 to 20250 in 250 ms steps");
  });

  it('a bad round during verification restarts it', () => {
    const { transitions } = run(initialState(0, S), 0, 40_000, (t) => t < 1_000 || (t >= 2_000 && t !== 8_000));
    // Without the blip at 8 s, dwell (10 s after 1250) would allow failback at 11250.
    assert.deepEqual(path(transitions).slice(2), ['on-shadow→verifying@2000', 'verifying→on-shadow@8000', 'on-shadow→verifying@8250', 'verifying→failing-back@12250', 'failing-back→primary@12500']);
  });

  it('with default settings, a primary that flips every 5 s makes one failover and no failback in 10 minutes', () => {
    const d = DEFAULT_FAILOVER_SETTINGS;
    const { m, transitions } = run(initialState(0, d), 0, 600_000, (t) => Math.floor(t / 5_000) % 2 === 0, d);
    assert.equal(m.switches, 1, path(transitions).join(', '));
    assert.notEqual(m.state, 'primary');
  });

  it('with a verify window shorter than the flips, dwell doubling still bounds the switches', () => {
    const { m } = run(initialState(0, S), 0, 600_000, (t) => Math.floor(t / 5_000) % 2 === 0);
    // Dwell 10 s → 20 s → 40 s (max): without doubling it would be ~2 switches per 15 s, i.e. ~80.
    assert.ok(m.switches <= 32, `${m.switches} switches`);
  });

  it('doubles the dwell for a failover soon after a failback, up to maxDwell, and resets after a quiet window', () => {
    let m = initialState(0, S);
    const dwells: number[] = [];
    // Down 1 s, up 20 s, repeatedly: each cycle fails over and (after dwell) back.
    let t = 0;
    for (let cycle = 0; cycle < 4; cycle++) {
      const r1 = run(m, t, t + 1_000, () => false);
      m = r1.m;
      dwells.push(m.dwellMs);
      const r2 = run(m, t + 1_000, t + 60_000, () => true);
      m = r2.m;
      assert.equal(m.state, 'primary', `cycle ${cycle} fails back`);
      t += 60_000;
    }
    assert.deepEqual(dwells, [10_000, 20_000, 40_000, 40_000]);
    const quiet = run(m, t + 120_000, t + 121_000, () => false).m;
    assert.equal(quiet.dwellMs, 10_000, 'a failover after a quiet flap window starts from the base dwell');
  });

  it('a held machine observes but never moves; force moves at once and holds', () => {
    const down = run(initialState(0, S), 0, 1_000, () => false).m;
    assert.equal(down.state, 'on-shadow');
    const forced = force(down, 'primary', 1_000, true);
    assert.equal(forced.next.state, 'primary');
    assert.equal(forced.transition.reason, 'operator');
    const held = run(forced.next, 1_000, 5_000, () => false);
    assert.deepEqual(held.transitions, []);
    assert.equal(held.m.state, 'primary');
    const released = run({ ...held.m, held: false }, 5_000, 6_000, () => false);
    assert.equal(released.m.state, 'on-shadow');
  });

  it('counts a primary slower than its SLO as bad', () => {
    const slo = { ...S, maxLatencyMs: 50 };
    let m = initialState(0, slo);
    for (let i = 0; i < 2; i++) m = step(m, { at: i * 250, healthy: 2, total: 2, latencyMs: 80 }, slo).next;
    assert.equal(m.state, 'failing-over');
  });
});
