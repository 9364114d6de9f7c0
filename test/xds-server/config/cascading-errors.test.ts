import assert from 'node:assert/strict';
import { parseConfigText } from '../../../xds-server/config/loader.ts';
import { CONFIG_ERROR } from '../../../xds-server/config/errors.ts';
import { overrideDoc, serviceDoc, yamlOf } from './builders.ts';

describe('config errors do not cascade from a YAML syntax error', () => {
  it('reports the syntax error, not "not defined" for references to the document it broke', () => {
    const good = yamlOf(serviceDoc('a'), overrideDoc('pin-b', { service: 'b', pin: 3, ceiling: undefined }));
    const broken = `${yamlOf(serviceDoc('b')).replace(/endpoints:/, 'endpoints: [')}`;
    const result = parseConfigText(`${good}---\n${broken}`, 'mesh.yaml');
    assert.ok(!result.ok);
    const codes = new Set(result.errors.map((e) => e.code));
    assert.deepEqual([...codes], [CONFIG_ERROR.yaml], result.errors.map((e) => `${e.code}: ${e.message}`).join('\n'));
  });

  it('still reports a reference to a Service that is really missing when every document reads', () => {
    const result = parseConfigText(yamlOf(serviceDoc('a'), overrideDoc('pin-b', { service: 'b', pin: 3, ceiling: undefined })), 'mesh.yaml');
    assert.ok(!result.ok);
    assert.deepEqual(result.errors.map((e) => e.code), [CONFIG_ERROR.reference]);
    assert.match(result.errors[0]!.message, /names Service "b", which is not defined/);
  });
});
