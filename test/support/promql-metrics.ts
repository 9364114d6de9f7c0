/**
 * Metric names a PromQL query reads, from the Prometheus project's own PromQL grammar
 * (@prometheus-io/lezer-promql): every vector selector's metric name, or its `__name__="..."`
 * matcher. A selector without a fixed name (a `__name__` regex) is reported as a problem, as is
 * any syntax error, so a query the extractor cannot vouch for never passes silently.
 */
import { parser } from '@prometheus-io/lezer-promql';

export interface QueryMetrics {
  names: string[];
  problems: string[];
}

/** Grafana's built-in variables and the dashboards' own, replaced by values Prometheus accepts. */
export function expandGrafanaVariables(query: string, values: { rateInterval: string; range: string }): string {
  return query
    .replaceAll('$__rate_interval', values.rateInterval)
    .replaceAll('$__interval', values.rateInterval)
    .replaceAll('$__range', values.range)
    .replaceAll('${service}', '.*')
    .replaceAll('$service', '.*');
}

export function metricNamesOf(query: string): QueryMetrics {
  const names = new Set<string>();
  const problems: string[] = [];
  const tree = parser.parse(query);
  const text = (from: number, to: number) => query.slice(from, to);
  tree.iterate({
    enter(node) {
      if (node.type.isError) problems.push(`syntax error at ${node.from}: ${JSON.stringify(text(node.from, Math.min(node.to + 10, query.length)))}`);
      if (node.name !== 'VectorSelector') return;
      const id = node.node.getChild('Identifier');
      if (id) {
        names.add(text(id.from, id.to));
        return false;
      }
      let named = false;
      for (const m of node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
        const label = m.getChild('LabelName');
        const value = m.getChild('StringLiteral');
        if (!label || text(label.from, label.to) !== '__name__') continue;
        if (m.getChild('MatchOp')?.getChild('EqlSingle') && value) {
          names.add(JSON.parse(text(value.from, value.to).replace(/^'|'$/g, '"')) as string);
          named = true;
        }
      }
      if (!named) problems.push(`selector without a fixed metric name: ${text(node.from, node.to)}`);
      return false;
    },
  });
  return { names: [...names].sort(), problems };
}

/**
 * Names a Prometheus text exposition offers to queries: each family's name, and for histograms
 * `_bucket`, `_sum`, `_count` (summaries `_sum`, `_count`) instead of the bare name.
 */
export function exposedMetricNames(exposition: string): Set<string> {
  const out = new Set<string>();
  for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(name + s);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) out.add(name + s);
    else out.add(name);
  }
  return out;
}
