import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS, parseRequest, RequestError } from '../../src/control/protocol.js';

function refusal(line: string): { message: string; id: unknown } {
  try {
    parseRequest(line);
  } catch (err) {
    assert.ok(err instanceof RequestError, String(err));
    return { message: err.message, id: err.id };
  }
  assert.fail(`expected ${line} to be refused`);
}

describe('parseRequest', () => {
  it('returns the id (null when absent) and the checked request', () => {
    assert.deepEqual(parseRequest('{"op":"stats","id":"n-1"}'), { id: 'n-1', request: { op: 'stats' } });
    for (const id of ['{"n":[1]}', '[1]', '1.5', '9007199254740993', `"${'x'.repeat(65)}"`, 'true']) {
      const refused = refusal(`{"op":"stats","id":${id}}`);
      assert.equal(refused.id, null, id);
      assert.match(refused.message, /^id: expected a string of at most 64 characters or a safe integer/, id);
    }
    assert.deepEqual(parseRequest('{"op":"clear"}'), { id: null, request: { op: 'clear' } });
    assert.deepEqual(parseRequest('{"op":"set","names":["a","b"],"extra":1,"id":7}'), {
      id: 7,
      request: { op: 'set', names: ['a', 'b'] },
    });
    assert.deepEqual(parseRequest('{"op":"register","name":"x","policy":{"latency":"1ms"}}').request, {
      op: 'register',
      name: 'x',
      policy: { latency: '1ms' },
    });
  });

  it('clamps subscription intervals', () => {
    const interval = (ms: number) =>
      (parseRequest(JSON.stringify({ op: 'subscribe', intervalMs: ms })).request as { intervalMs: number })
        .intervalMs;
    assert.equal(interval(1), MIN_INTERVAL_MS);
    assert.equal(interval(-5), MIN_INTERVAL_MS);
    assert.equal(interval(250), 250);
    assert.equal(interval(1e12), MAX_INTERVAL_MS);
  });

  it('names the field of every refusal and keeps the id when it could read one', () => {
    const cases: [string, string, unknown][] = [
      ['{"op":', 'invalid JSON: ', null],
      ['[1]', 'request: expected a JSON object, got [1]', null],
      ['"stats"', 'request: expected a JSON object, got "stats"', null],
      ['{"id":3}', 'op: required', 3],
      ['{"op":5,"id":"a"}', 'op: expected a string, got 5', 'a'],
      ['{"op":"nope"}', 'op: unknown operation "nope" (expected one of stats, subscribe,', null],
      ['{"op":"subscribe","id":1}', 'intervalMs: required by subscribe', 1],
      [
        '{"op":"subscribe","intervalMs":"fast"}',
        'intervalMs: expected a number of milliseconds, got "fast"',
        null,
      ],
      ['{"op":"activate"}', 'name: required by activate', null],
      ['{"op":"deactivate","name":3}', 'name: expected a policy name, got 3', null],
      ['{"op":"unregister","name":""}', 'name: expected a policy name, got ""', null],
      ['{"op":"register","name":"x"}', 'policy: required by register', null],
      ['{"op":"register","name":"x","policy":[]}', 'policy: expected a policy object, got []', null],
      ['{"op":"set","names":"a"}', 'names: expected an array of policy names, got "a"', null],
      ['{"op":"set","names":["a",null]}', 'names[1]: expected a policy name, got null', null],
    ];
    for (const [line, message, id] of cases) {
      const r = refusal(line);
      assert.ok(r.message.startsWith(message), `${line}: ${r.message}`);
      assert.equal(r.message.includes('\n'), false);
      assert.deepEqual(r.id, id, line);
    }
  });
});
