/** A leadership that always leads (one replica, tests). */
import type { Lease, Leadership } from '../../../api/leadership.ts';

export class LocalLeadership implements Leadership {
  readonly key = 'test';
  current(): Lease {
    return { holder: 'test', token: 1 };
  }
  isLeader(): boolean {
    return true;
  }
  onChange(): () => void {
    return () => undefined;
  }
}
