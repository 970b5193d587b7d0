import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDotenv, parseJsonConfig } from './config-file';

describe('parseDotenv', () => {
  it('reads the usual .env forms', () => {
    const text = [
      '\uFEFF# comment',
      '',
      'PLAIN=value with spaces   # trailing comment',
      'export EXPORTED=1',
      "SINGLE='kept #literally \\n'",
      'DOUBLE="line\\nnext \\"quoted\\" \\\\ end" # comment',
      'EMPTY=',
      'HASH=a#b',
      'WINDOWS=crlf\r',
    ].join('\n');
    assert.deepEqual(parseDotenv(text, 'x.env'), {
      PLAIN: 'value with spaces',
      EXPORTED: '1',
      SINGLE: 'kept #literally \\n',
      DOUBLE: 'line\nnext "quoted" \\ end',
      EMPTY: '',
      HASH: 'a#b',
      WINDOWS: 'crlf',
    });
  });

  it('reports the file and line of a malformed entry without echoing it', () => {
    assert.throws(() => parseDotenv('A=1\nsecret-value-without-name\n', 'x.env'), (err: Error) => /^x\.env:2: expected NAME=value/.test(err.message) && !err.message.includes('secret-value'));
    assert.throws(() => parseDotenv('A="open\n', 'x.env'), /x\.env:1: the value of A opens a double quote that is not closed on the same line/);
    assert.throws(() => parseDotenv("A='x' junk\n", 'x.env'), /x\.env:1: unexpected text after the quoted value of A/);
  });
});

describe('parseJsonConfig', () => {
  it('accepts strings, numbers, booleans and string lists, and skips null', () => {
    assert.deepEqual(parseJsonConfig('{"A":"x","B":2,"C":false,"D":["u","v"],"E":null}', 'c.json'), { A: 'x', B: '2', C: 'false', D: 'u,v' });
  });

  it('rejects nested values and non-objects with the key and the file', () => {
    assert.throws(() => parseJsonConfig('{"A":{"b":1}}', 'c.json'), /c\.json: "A" must be a string, number, boolean or list of strings, got object/);
    assert.throws(() => parseJsonConfig('[1]', 'c.json'), /c\.json: expected a JSON object .* got an array/);
  });
});
