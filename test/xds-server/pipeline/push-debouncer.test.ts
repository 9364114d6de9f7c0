import assert from 'node:assert/strict';
import { xdsMetrics } from '../../../xds-server/metrics.ts';
import { PushDebouncer } from '../../../xds-server/pipeline/push-debouncer.ts';
import { ManualTimers, settle } from './manual-timers.ts';

const OPTIONS = { quietMs: 100, maxDelayMs: 1000 };

/** Records every push; with `hold`, a push runs until the test calls `finish`. */
class Pushes {
  readonly log: { at: number; sources: string[] }[] = [];
  running = 0;
  maxRunning = 0;
  private readonly holds: (() => void)[] = [];
  fail: Error | undefined;

  constructor(
    private readonly timers: ManualTimers,
    private readonly hold = false,
  ) {}

  readonly push = (sources: ReadonlySet<string>): Promise<void> => {
    this.log.push({ at: this.timers.now(), sources: [...sources].sort() });
    if (this.fail) throw this.fail;
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    if (!this.hold) {
      this.running--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.holds.push(() => (this.running--, resolve())));
  };

  async finish(): Promise<void> {
    this.holds.shift()!();
    await settle();
  }

  get times(): number[] {
    return this.log.map((p) => p.at);
  }
}

async function triggerCount(source: string): Promise<number> {
  const metric = await xdsMetrics.pushTriggers.get();
  return metric.values.find((v) => v.labels.source === source)?.value ?? 0;
}

describe('PushDebouncer', () => {
  let timers: ManualTimers;
  beforeEach(() => {
    timers = new ManualTimers();
  });

  it('pushes once the quiet period passes without a new trigger', async () => {
    const p = new Pushes(timers);
    const d = new PushDebouncer(p.push, OPTIONS, timers);
    d.trigger('config');
    await timers.advance(99);
    assert.deepEqual(p.log, []);
    await timers.advance(1);
    assert.deepEqual(p.log, [{ at: 100, sources: ['config'] }]);
    await timers.advance(5000);
    assert.equal(p.log.length, 1, 'one trigger, one push');
  });

  it('restarts the quiet period on every trigger and coalesces the burst into one push naming every source', async () => {
    const p = new Pushes(timers);
    const d = new PushDebouncer(p.push, OPTIONS, timers);
    for (const source of ['config', 'scorer', 'scorer', 'demand', 'config']) {
      d.trigger(source);
      await timers.advance(60);
    }
    assert.deepEqual(p.log, [], 'triggers 60 ms apart keep the burst open');
    await timers.advance(40);
    assert.deepEqual(p.log, [{ at: 340, sources: ['config', 'demand', 'scorer'] }]);
  });

  it('pushes at most maxDelayMs after the first trigger of a burst, however steady the trigger stream', async () => {
    const p = new Pushes(timers);
    const d = new PushDebouncer(p.push, OPTIONS, timers);
    const triggers: number[] = [];
    for (let t = 0; t < 3500; t += 50) {
      d.trigger('scorer');
      triggers.push(timers.now());
      await timers.advance(50);
    }
    assert.deepEqual(p.times, [1000, 2000, 3000], 'a trigger every 50 ms never leaves 100 ms quiet');
    let previous = -Infinity;
    for (const at of p.times) {
      const burstStart = triggers.find((t) => t >= previous)!;
      assert.ok(at - burstStart <= OPTIONS.maxDelayMs, `push at ${at} waited ${at - burstStart} ms`);
      previous = at;
    }
  });

  it('never overlaps pushes: triggers during a push are pushed together right after it', async () => {
    const p = new Pushes(timers, true);
    const d = new PushDebouncer(p.push, OPTIONS, timers);
    d.trigger('config');
    await timers.advance(100);
    assert.equal(p.log.length, 1);
    d.trigger('scorer');
    await timers.advance(150);
    d.trigger('demand');
    await timers.advance(2000);
    assert.equal(p.log.length, 1, 'the second push waits for the first to finish');
    await p.finish();
    await timers.advance(0);
    assert.deepEqual(p.log[1], { at: 2250, sources: ['demand', 'scorer'] }, 'past its max delay, the next burst goes at once');
    await p.finish();
    await timers.advance(5000);
    assert.equal(p.log.length, 2);
    assert.equal(p.maxRunning, 1);
  });

  it('idle() resolves only after the running push has finished', async () => {
    const p = new Pushes(timers, true);
    const d = new PushDebouncer(p.push, OPTIONS, timers);
    d.trigger('config');
    await timers.advance(100);
    let idle = false;
    void d.idle().then(() => (idle = true));
    await settle();
    assert.equal(idle, false);
    await p.finish();
    assert.equal(idle, true);
  });

  it('close() cancels the scheduled push and ignores later triggers', async () => {
    const p = new Pushes(timers);
    const d = new PushDebouncer(p.push, OPTIONS, timers);
    d.trigger('config');
    d.close();
    d.trigger('config');
    await timers.advance(5000);
    assert.deepEqual(p.log, []);
    assert.equal(timers.scheduled, 0);
  });

  it('reports a failing push and keeps pushing later triggers', async () => {
    const p = new Pushes(timers);
    const errors: unknown[] = [];
    const d = new PushDebouncer(p.push, OPTIONS, timers, (err) => errors.push(err));
    p.fail = new Error('render exploded');
    d.trigger('config');
    await timers.advance(100);
    assert.deepEqual(errors, [p.fail]);
    p.fail = undefined;
    d.trigger('scorer');
    await timers.advance(100);
    assert.deepEqual(p.log.map((x) => x.sources), [['config'], ['scorer']]);
    await d.idle();
  });

  it('reports a push that rejects while triggers are pending, then pushes them', async () => {
    const errors: unknown[] = [];
    let reject!: (err: Error) => void;
    const log: string[][] = [];
    const push = (sources: ReadonlySet<string>) => {
      log.push([...sources]);
      return log.length === 1 ? new Promise<void>((_, r) => (reject = r)) : Promise.resolve();
    };
    const d = new PushDebouncer(push, OPTIONS, timers, (err) => errors.push(err));
    d.trigger('config');
    await timers.advance(100);
    d.trigger('scorer');
    await timers.advance(100);
    reject(new Error('boom'));
    await settle();
    await timers.advance(0);
    assert.equal(errors.length, 1);
    assert.deepEqual(log, [['config'], ['scorer']]);
  });

  it('counts triggers by source in prescient_push_triggers_total', async () => {
    const before = await triggerCount('unit-test');
    const d = new PushDebouncer(new Pushes(timers).push, OPTIONS, timers);
    d.trigger('unit-test');
    d.trigger('unit-test');
    assert.equal(await triggerCount('unit-test'), before + 2);
    d.close();
  });
});
