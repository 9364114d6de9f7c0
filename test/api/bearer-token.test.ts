import assert from 'node:assert/strict';
import { bearerTokenMatches } from '../../api/bearer-token.ts';

describe('api/bearer-token', () => {
  it('accepts the configured token under the Bearer scheme, whatever its case', () => {
    assert.equal(bearerTokenMatches('Bearer s3cret', 's3cret'), true);
    assert.equal(bearerTokenMatches('bearer s3cret', 's3cret'), true);
    assert.equal(bearerTokenMatches('BEARER  s3cret', 's3cret'), true);
  });

  it('refuses a missing header, another scheme, another token, a prefix or an extension of it', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 's3cret', 'Basic s3cret', 'Bearer s3cre', 'Bearer s3cret2', 'Bearer S3CRET', 'Bearer s3cret ']) {
      assert.equal(bearerTokenMatches(header, 's3cret'), false, JSON.stringify(header));
    }
  });

  it('never lets an empty token match an absent or empty credential', () => {
    assert.equal(bearerTokenMatches(undefined, ''), false);
    assert.equal(bearerTokenMatches('Bearer ', ''), false);
  });
});
