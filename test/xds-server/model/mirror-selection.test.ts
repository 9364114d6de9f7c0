/**
 * combineMatches: a route rule's match and a mirror selection as one route match that holds
 * exactly when both do — or `disjoint` when no request can match both, or `unsupported` (two
 * different regexes, which RE2 cannot intersect).
 */
import assert from 'node:assert/strict';
import type { ModelRouteMatch } from '../../../api/mesh-model.ts';
import { combineMatches, ruleMatch } from '../../../xds-server/model/mirror-selection.ts';

const X = { name: 'x-tenant', exact: 'a' };
const Y = { name: 'x-debug', present: true };

const CASES: { name: string; rule: ModelRouteMatch; sel: ModelRouteMatch; want: ModelRouteMatch | 'disjoint' | 'unsupported' }[] = [
  { name: 'no rule match takes the selection', rule: {}, sel: { prefix: '/orders/', methods: ['POST'] }, want: { prefix: '/orders/', methods: ['POST'] } },
  { name: 'nested prefixes give the longer', rule: { prefix: '/api' }, sel: { prefix: '/api/orders' }, want: { prefix: '/api/orders' } },
  { name: 'the longer prefix on either side', rule: { prefix: '/api/orders' }, sel: { prefix: '/api' }, want: { prefix: '/api/orders' } },
  { name: 'unrelated prefixes are disjoint', rule: { prefix: '/api' }, sel: { prefix: '/static' }, want: 'disjoint' },
  { name: 'an exact path under the prefix', rule: { prefix: '/api' }, sel: { path: '/api/orders' }, want: { path: '/api/orders' } },
  { name: 'an exact path outside the prefix', rule: { prefix: '/api' }, sel: { path: '/orders' }, want: 'disjoint' },
  { name: 'two different exact paths', rule: { path: '/a' }, sel: { path: '/b' }, want: 'disjoint' },
  { name: 'an exact path the regex matches (RE2, whole path)', rule: { regex: '/orders/[0-9]+' }, sel: { path: '/orders/12' }, want: { path: '/orders/12' } },
  { name: 'an exact path the regex only partly matches', rule: { regex: '/orders/[0-9]+' }, sel: { path: '/orders/12/items' }, want: 'disjoint' },
  { name: 'a regex beside a prefix keeps the prefix on :path', rule: { prefix: '/api' }, sel: { regex: '/api/orders/[0-9]+' }, want: { regex: '/api/orders/[0-9]+', pathPrefix: '/api' } },
  { name: 'the same regex twice', rule: { regex: '/o/.*' }, sel: { regex: '/o/.*' }, want: { regex: '/o/.*' } },
  { name: 'two different regexes', rule: { regex: '/o/.*' }, sel: { regex: '/o/[0-9]+' }, want: 'unsupported' },
  { name: 'headers from both, rule first', rule: { prefix: '/', headers: [X] }, sel: { headers: [Y] }, want: { prefix: '/', headers: [X, Y] } },
  { name: 'methods in both lists', rule: { methods: ['GET', 'POST', 'PUT'] }, sel: { methods: ['PUT', 'POST', 'DELETE'] }, want: { methods: ['POST', 'PUT'] } },
  { name: 'no method in both lists', rule: { methods: ['GET'] }, sel: { methods: ['POST'] }, want: 'disjoint' },
];

describe('mirror selections combined with route rule matches', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const got = combineMatches(c.rule, c.sel);
      if (c.want === 'disjoint' || c.want === 'unsupported') assert.equal(got.kind, c.want);
      else assert.deepEqual(got, { kind: 'match', match: c.want });
    });
  }

  it('combining is symmetric in what it matches', () => {
    for (const c of CASES) {
      const a = combineMatches(c.rule, c.sel);
      const b = combineMatches(c.sel, c.rule);
      assert.equal(a.kind, b.kind, c.name);
    }
  });

  it('reads a rule\'s match with the path precedence of the Envoy rendering', () => {
    assert.deepEqual(ruleMatch(undefined), {});
    assert.deepEqual(ruleMatch({ prefix: '/a', headers: [X] }), { prefix: '/a', headers: [X] });
    assert.deepEqual(ruleMatch({ regex: '/a.*' }), { regex: '/a.*' });
  });
});
