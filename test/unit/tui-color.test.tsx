import assert from 'node:assert/strict';
import { test } from 'node:test';

// Chalk decides on colour when it is first imported, so colour is forced on before Ink is imported.
process.env.FORCE_COLOR = '1';
const { render } = await import('ink-testing-library');
const { Dashboard } = await import('../../tui/dashboard.js');
const { EMPTY_STATS, nextStats } = await import('../../tui/stats-state.js');
const { COLORS, NO_COLORS, ThemeContext, themeFromEnv } = await import('../../tui/theme.js');
const { fixturePolicies, SNAP_A, SNAP_B } = await import('./tui-fixtures.js');

/** SGR foreground or background colours (bold and dim are not colours). */
const COLOR_SGR = /\x1b\[(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m/;

function frame(theme: typeof COLORS): string {
  const stats = nextStats(nextStats(EMPTY_STATS, SNAP_A), { ...SNAP_B, paused: true });
  const policies = { registered: ['lossy', 'slow'], active: ['slow'], policies: fixturePolicies() };
  const app = render(
    <ThemeContext.Provider value={theme}>
      <Dashboard
        title="faultnet"
        stats={stats}
        policies={policies}
        cursor={0}
        help={false}
        status={{ text: 'failed: nope', tone: 'error' }}
        columns={100}
        rows={24}
      />
    </ThemeContext.Provider>,
  );
  const out = app.lastFrame() ?? '';
  app.unmount();
  return out;
}

test('NO_COLOR set and not empty turns colour off', () => {
  assert.equal(themeFromEnv({ NO_COLOR: '1' }), NO_COLORS);
  assert.equal(themeFromEnv({ NO_COLOR: '' }), COLORS);
  assert.equal(themeFromEnv({}), COLORS);
});

test('with colours the screen has colour codes; under NO_COLOR it has none and says the same', () => {
  const coloured = frame(COLORS);
  const plain = frame(NO_COLORS);
  assert.match(coloured, COLOR_SGR);
  assert.doesNotMatch(plain, COLOR_SGR);
  const strip = (s: string) =>
    s
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n');
  assert.equal(strip(plain), strip(coloured));
  for (const text of ['PAUSED', '[x] slow', '» failed: nope']) assert.ok(plain.includes(text), text);
});
