import assert from 'node:assert/strict';
import { parseSeriesCsv, splitIndex } from '../../../scorer/train/series.ts';

describe('parseSeriesCsv', () => {
  it('orders rows by time, keeps the last of a repeated timestamp and finds the typical step', () => {
    const csv = [
      'timestamp,value',
      '2014-03-09 01:55:00,1',
      '2014-03-09 03:00:00,2',
      '2014-03-09 03:00:00,3',
      '2014-03-09 03:05:00,4',
      '2014-03-09 03:10:00,5',
      '',
    ].join('\n');
    const series = parseSeriesCsv('dst', csv);
    assert.deepEqual([...series.values], [1, 3, 4, 5]);
    assert.equal(series.stepSeconds, 300);
  });

  it('names the line of a malformed row', () => {
    assert.throws(() => parseSeriesCsv('bad', 'timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,oops\n'), /FORECAST_SERIES_INVALID: bad: line 3/);
    assert.throws(() => parseSeriesCsv('no-header', '2014-01-01 00:00:00,1\n'), /timestamp,value/);
  });

  it('splits by time: the first fraction trains', () => {
    assert.equal(splitIndex(4032, 0.7), 2822);
  });
});
