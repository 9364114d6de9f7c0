/** The config hash covers every kind, not only Services, Routes, overrides and scoring policies. */
import assert from 'node:assert/strict';
import { parseConfigText } from '../../../xds-server/config/loader.ts';
import { configHash } from '../../../xds-server/pipeline/config-hash.ts';
import { mirrorDoc } from '../../mirror/builders.ts';
import { serviceDoc, yamlOf } from '../config/builders.ts';

const hashOf = (percent: number) => {
  const r = parseConfigText(yamlOf(serviceDoc('a'), serviceDoc('b'), mirrorDoc('m', 'a', [{ service: 'b', percent }])), 'mesh.yaml');
  assert.ok(r.ok);
  return configHash(r.config);
};

describe('config hash over every kind', () => {
  it('changes with a MirrorRule and not without a change', () => {
    assert.equal(hashOf(10), hashOf(10));
    assert.notEqual(hashOf(10), hashOf(20));
  });
});
