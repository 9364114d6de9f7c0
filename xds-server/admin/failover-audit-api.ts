/**
 * Admin endpoints of failover and the audit trail: read pages (`/debug/failover`,
 * `/debug/audit?subject=&action=&limit=`) and the operator's actions, POST only (they change what
 * clients are sent): `/v1/failover/hold?service=`, `/v1/failover/release?service=`,
 * `/v1/audit/revert?id=`. Each action answers with the audit entry it appended.
 */
import { CodedError } from '../../api/coded-error.ts';
import type { AuditEntry, AuditLog } from '../audit/audit-log.ts';
import { sendJson, type AdminServer } from './admin-server.ts';

/** What the failover module offers these endpoints. */
export interface FailoverControl {
  status(): unknown;
  /** Freezes (true) or releases (false) a service's state machine; the audit entry for it. */
  hold(service: string, held: boolean): AuditEntry | Promise<AuditEntry>;
}

export function mountFailoverAuditApi(admin: AdminServer, audit: AuditLog, failover: FailoverControl): void {
  admin.get('/debug/failover', () => failover.status());
  admin.mount(async (req, res, url) => {
    if (url.pathname === '/debug/audit' && (req.method === 'GET' || req.method === 'HEAD')) {
      const limit = url.searchParams.get('limit');
      sendJson(res, 200, {
        entries: await audit.query({
          subject: url.searchParams.get('subject') ?? undefined,
          action: url.searchParams.get('action') ?? undefined,
          limit: limit === null ? undefined : Math.max(1, Number(limit) || 100),
        }),
      });
      return true;
    }
    const actions: Record<string, 'hold' | 'release' | 'revert'> = { '/v1/failover/hold': 'hold', '/v1/failover/release': 'release', '/v1/audit/revert': 'revert' };
    const action = actions[url.pathname];
    if (!action) return false;
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendJson(res, 405, { error: 'method not allowed', allow: 'POST' });
      return true;
    }
    req.resume();
    try {
      const entry =
        action === 'revert'
          ? await audit.revert(url.searchParams.get('id') ?? '')
          : await failover.hold(url.searchParams.get('service') ?? '', action === 'hold');
      sendJson(res, 200, { entry });
    } catch (err) {
      if (!(err instanceof CodedError)) throw err;
      const status = err.code === 'PRESCIENT_AUDIT_NOT_REVERTIBLE' ? 409 : err.code === 'PRESCIENT_AUDIT_REVERT_FAILED' ? 502 : 404;
      sendJson(res, status, { error: err.message, code: err.code });
    }
    return true;
  });
}
