import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeOutputFile } from '../../src/api/output-file.js';

test('a symlink planted where faultnet writes its output is replaced, never written through', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'faultnet-output-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const victim = join(dir, 'root-only');
  writeFileSync(victim, 'precious');
  const path = join(dir, 'run.json');
  symlinkSync(victim, path);
  writeOutputFile(path, '{"format":"faultnet-run"}\n');
  assert.equal(readFileSync(victim, 'utf8'), 'precious');
  const st = lstatSync(path);
  assert.ok(st.isFile(), 'a regular file now');
  assert.equal(st.mode & 0o777, 0o600);
  assert.equal(readFileSync(path, 'utf8'), '{"format":"faultnet-run"}\n');
});
