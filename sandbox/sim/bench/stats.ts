/**
 * Medians over seeds with a distribution-free 95% confidence interval: the order statistics
 * x(k) and x(n+1−k) with the largest k such that P(Binomial(n, ½) < k) ≤ 2.5% (n = 10 gives
 * x(2)..x(9), 97.9% coverage). Fewer than 6 values have no such k; the interval is then the range.
 */
export interface MedianCi {
  readonly median: number;
  readonly lo: number;
  readonly hi: number;
}

function binomialCdfBelow(k: number, n: number): number {
  let p = 0;
  let c = 1;
  for (let i = 0; i < k; i++) {
    p += c;
    c = (c * (n - i)) / (i + 1);
  }
  return p / 2 ** n;
}

export function medianCi(values: readonly number[]): MedianCi {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  if (n === 0) return { median: Number.NaN, lo: Number.NaN, hi: Number.NaN };
  const median = n % 2 ? x[n >> 1]! : (x[n / 2 - 1]! + x[n / 2]!) / 2;
  let k = 0;
  while (k + 1 <= n / 2 && binomialCdfBelow(k + 1, n) <= 0.025) k++;
  if (k === 0) return { median, lo: x[0]!, hi: x[n - 1]! };
  return { median, lo: x[k - 1]!, hi: x[n - k]! };
}
