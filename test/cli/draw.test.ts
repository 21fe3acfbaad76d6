import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkSvg, select } from '../viz/xml.js';

// `nabla draw`, run as users run it (the built dist/cli/nabla.js).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cli = join(root, 'dist', 'cli', 'nabla.js');
const dir = mkdtempSync(join(tmpdir(), 'nabla-draw-'));

function nabla(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('nabla draw descent writes the contour map and the 3-D surface with one track per optimiser', () => {
  const r = nabla('draw', 'descent', '--surface', 'ravine', '--optimizers', 'sgd,momentum', '--steps', '10', '--out', 'pics');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(readdirSync(join(dir, 'pics')).sort(), ['descent-ravine-contour.svg', 'descent-ravine-surface.svg']);
  assert.match(r.out, /wrote pics[/\\]descent-ravine-contour\.svg/);
  for (const f of ['descent-ravine-contour.svg', 'descent-ravine-surface.svg']) {
    const { root: svg } = checkSvg(readFileSync(join(dir, 'pics', f), 'utf8'));
    assert.deepEqual(
      select(svg, 'g', 'track').map((g) => g.attrs['data-name']),
      ['sgd (η = 0.4)', 'momentum (η = 0.05)'],
    );
    assert.deepEqual(
      select(svg, 'animateMotion').map((m) => m.attrs.values!.split(';').length),
      [11, 11],
    );
  }
});

test('nabla draw tangent and learning-rates; --no-animate gives still pictures', () => {
  const t = nabla('draw', 'tangent', '--curve', 'cubic', '--out', 'still', '--no-animate');
  assert.equal(t.code, 0, t.err);
  const tangent = readFileSync(join(dir, 'still', 'tangent-cubic.svg'), 'utf8');
  const { root: svg } = checkSvg(tangent);
  assert.equal(select(svg, 'g', 'frame').length, 0);
  assert.ok(select(svg, 'g', 'tangent').length > 0);
  const l = nabla('draw', 'learning-rates', '--surface', 'bowl', '--rates', '0.01,0.3,1.1', '--steps', '20', '--out', 'lr');
  assert.equal(l.code, 0, l.err);
  const lr = checkSvg(readFileSync(join(dir, 'lr', 'learning-rates-bowl.svg'), 'utf8')).root;
  assert.ok(select(lr, 'text').some((e) => e.text === 'η = 1.1 (too large): diverged (clipped)'));
});

test('nabla draw: bad input exits 1 with one line', () => {
  const cases: [string[], RegExp][] = [
    [['draw', 'pie'], /^nabla: draw: the picture must be one of tangent, descent, learning-rates, got 'pie'$/],
    [['draw', 'descent', '--surface', 'moon'], /^nabla: --surface must be one of bowl, ravine, saddle, rosenbrock, himmelblau, wells, got 'moon'$/],
    [['draw', 'descent', '--optimizers', 'sgd,lbfgs'], /^nabla: --optimizers must be one of .*got 'lbfgs'$/],
    [['draw', 'learning-rates', '--rates', '0.1,0.2'], /^nabla: --rates must be 3 positive numbers, comma-separated, got '0.1,0.2'$/],
    [['draw', 'descent', '--steps', 'many'], /^nabla: --steps must be a positive integer, got 'many'$/],
  ];
  for (const [args, message] of cases) {
    const r = nabla(...args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.err.trim(), message);
    assert.equal(r.err.trim().split('\n').length, 1, 'one line, no stack trace');
  }
});
