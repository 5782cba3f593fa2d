import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../src/control/lines.js';

function feed(splitter: LineSplitter, chunks: (string | Buffer)[]): { lines: string[]; ok: boolean } {
  const lines: string[] = [];
  let ok = true;
  for (const chunk of chunks) {
    ok = splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, (l) => lines.push(l));
    if (!ok) break;
  }
  return { lines, ok };
}

describe('LineSplitter', () => {
  it('splits lines across and within chunks and strips a trailing CR', () => {
    const r = feed(new LineSplitter(100), ['{"a":', '1}\n{"b"', ':2}\r\n\nlast', '\n']);
    assert.deepEqual(r, { lines: ['{"a":1}', '{"b":2}', '', 'last'], ok: true });
  });

  it('keeps a multi-byte character split between chunks intact', () => {
    const bytes = Buffer.from('é€\n');
    const r = feed(new LineSplitter(100), [bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4)]);
    assert.deepEqual(r.lines, ['é€']);
  });

  it('accepts a line of exactly maxBytes and refuses one byte more', () => {
    assert.deepEqual(feed(new LineSplitter(4), ['ab', 'cd\n']), { lines: ['abcd'], ok: true });
    assert.deepEqual(feed(new LineSplitter(4), ['ab', 'cde\n']), { lines: [], ok: false });
    assert.deepEqual(feed(new LineSplitter(4), ['ok\nabcde\n']), { lines: ['ok'], ok: false });
  });

  it('refuses an unterminated tail as soon as it passes maxBytes', () => {
    assert.deepEqual(feed(new LineSplitter(4), ['abcd']), { lines: [], ok: true });
    assert.deepEqual(feed(new LineSplitter(4), ['abc', 'de']), { lines: [], ok: false });
  });
});
