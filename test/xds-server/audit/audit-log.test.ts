/** The audit trail: append-only JSON lines on disk, read back on open, reverts through registered reverters. */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VirtualClock } from '../../../api/virtual-clock.ts';
import { AuditLog, type AuditDraft } from '../../../xds-server/audit/audit-log.ts';

const draft = (subject: string, revertible = true): AuditDraft => ({
  actor: { module: 'failover', replica: 'r1' },
  action: 'failover.transition',
  subject,
  reason: 'test',
  evidence: { healthy: '0/1' },
  before: { state: 'primary' },
  after: { state: 'failing-over' },
  revertible,
});

describe('audit log', () => {
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'prescient-audit-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('appends JSON lines, and a reopened log continues the ids and skips a torn last line', async () => {
    const file = path.join(dir, 'audit', 'audit.jsonl');
    const clock = new VirtualClock(1_000);
    const a = new AuditLog({ file, clock });
    await a.open();
    assert.deepEqual([a.append(draft('x')).id, a.append(draft('y')).id], ['1', '2']);
    await a.flush();
    await fs.appendFile(file, '{"id":"3","at":');
    const b = new AuditLog({ file, clock });
    await b.open();
    assert.deepEqual(b.list().map((e) => [e.id, e.subject, e.at]), [['1', 'x', 1_000], ['2', 'y', 1_000]]);
    assert.equal(b.append(draft('z')).id, '3');
    assert.deepEqual(b.list({ subject: 'z' }).map((e) => e.id), ['3']);
    assert.deepEqual(b.list({ limit: 1 }).map((e) => e.id), ['3']);
  });

  it('reverts through the reverter registered for the action, and refuses what cannot be undone', async () => {
    const log = new AuditLog({ clock: new VirtualClock(0) });
    const undoable = log.append(draft('x'));
    const final = log.append(draft('y', false));
    log.onRevert('failover.', (e) => log.append({ ...draft(e.subject), actor: { module: 'operator' }, revertOf: e.id, revertible: false }));
    assert.equal((await log.revert(undoable.id)).revertOf, '1');
    await assert.rejects(log.revert(final.id), /PRESCIENT_AUDIT_NOT_REVERTIBLE/);
    await assert.rejects(log.revert('99'), /PRESCIENT_AUDIT_UNKNOWN/);
  });
});
