import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { imageGrid, weightImages } from '../../src/viz/index.js';
import { checkSvg, select, within } from './xml.js';

test('weightImages: one tile per unit, column u of the kernel as an h×w image', () => {
  // kernel [4, 3] (in = 2·2, 3 units): unit 0 is +1 at pixel (0,0), unit 1 is −0.5 at pixel (1,1), unit 2 all zero
  const storage = new Float32Array(12);
  storage[0 * 3 + 0] = 1;
  storage[3 * 3 + 1] = -0.5;
  const svg = weightImages({ shape: [4, 3], storage }, { imageShape: [2, 2], title: 'W', scale: 10 });
  const { root } = checkSvg(svg);
  const tiles = select(root, 'g', 'tile');
  assert.equal(tiles.length, 3);
  const pixels = (k: number) => tiles[k]!.children.filter((e) => e.name === 'rect' && e.attrs.fill !== '#ffffff' && e.attrs.fill !== 'none');
  assert.equal(pixels(0).length, 1);
  assert.equal(pixels(0)[0]!.attrs.fill, '#67001f'); // +max|w| → dark red
  assert.equal(pixels(1).length, 1);
  assert.equal(pixels(1)[0]!.attrs.width, '10');
  const [r, , b] = [1, 3, 5].map((i) => parseInt(pixels(1)[0]!.attrs.fill!.slice(i, i + 2), 16));
  assert.ok(b! > r!, 'negative is blue');
  assert.equal(pixels(2).length, 0); // zero is white: nothing drawn
  // pixel (1,1) of unit 1 is right of and below pixel (0,0) of its tile
  const tileRect = tiles[1]!.children[0]!;
  assert.equal(Number(pixels(1)[0]!.attrs.x), Number(tileRect.attrs.x) + 10);
  assert.equal(Number(pixels(1)[0]!.attrs.y), Number(tileRect.attrs.y) + 10);
  // the colour bar is labelled −1, 0, 1
  assert.deepEqual(
    within(root, 'colorbar', 'text').map((t) => t.text),
    ['-1', '1', '0'],
  );
});

test('weightImages: a real Dense kernel, symmetric or not, and square inputs by default', () => {
  nb.seed(1);
  const kernel = nb.randomNormal([64, 10]);
  const svg = weightImages(kernel);
  const { root } = checkSvg(svg);
  assert.equal(select(root, 'g', 'tile').length, 10);
  assert.equal(weightImages(kernel), svg); // deterministic
  const { root: loose } = checkSvg(weightImages(kernel, { symmetric: false, columns: 5 }));
  const labels = within(loose, 'colorbar', 'text').map((t) => Number(t.text));
  const data = Array.from(kernel.storage);
  assert.ok(Math.abs(labels[0]! - Math.min(...data)) < 0.01 && Math.abs(labels[1]! - Math.max(...data)) < 0.01);
  // a conv kernel [3, 3, 1, 8] draws 8 3×3 tiles
  assert.equal(select(checkSvg(weightImages(nb.randomNormal([3, 3, 1, 8]))).root, 'g', 'tile').length, 8);
});

test('weightImages: clear errors', () => {
  const kernel = { shape: [10, 4], storage: new Float32Array(40) };
  assert.throws(() => weightImages(kernel), /imageShape/);
  assert.throws(() => weightImages(kernel, { imageShape: [3, 3] }), ShapeError);
  assert.throws(() => weightImages({ shape: [4], storage: new Float32Array(4) }), ShapeError);
  assert.throws(() => weightImages({ shape: [4, 2], storage: new Float32Array(5) }), ShapeError);
  assert.throws(() => weightImages({ shape: [4, 2], storage: new Float32Array(8) }, { columns: 0 }), ArgumentError);
});

test('imageGrid: one tile per image, captions, gray levels from white to black', () => {
  const storage = new Float32Array(3 * 2 * 2);
  storage.set([0, 0.5, 1, 0], 0); // image 0: white, gray, black, white
  const svg = imageGrid({ shape: [3, 2, 2], storage }, { labels: [7, '<b>', 'x'], columns: 2, title: 'Digits' });
  const { root } = checkSvg(svg);
  const tiles = select(root, 'g', 'tile');
  assert.equal(tiles.length, 3);
  const fills = tiles[0]!.children.filter((e) => e.name === 'rect').map((e) => e.attrs.fill);
  assert.deepEqual(fills, ['#ffffff', '#808080', '#000000', 'none']); // background, 0.5, 1, border (the zeros are background)
  assert.deepEqual(
    select(root, 'text').map((t) => t.text),
    ['Digits', '7', '<b>', 'x'],
  );
  assert.ok(svg.includes('&lt;b&gt;'));
  // two columns: the third tile starts a second row
  const pos = tiles.map((t) => [Number(t.children[0]!.attrs.x), Number(t.children[0]!.attrs.y)]);
  assert.ok(pos[1]![0]! > pos[0]![0]! && pos[2]![0] === pos[0]![0] && pos[2]![1]! > pos[0]![1]!);
  // invert: large values light on dark
  const inverted = checkSvg(imageGrid({ shape: [1, 1, 2], storage: new Float32Array([0, 1]) }, { invert: true })).root;
  assert.deepEqual(
    select(inverted, 'rect')
      .slice(2, 3)
      .map((e) => e.attrs.fill),
    ['#000000'],
  );
});

test('imageGrid: the shipped digits as [n, h, w] and [n, h, w, 1] tensors; runs of a colour merge', () => {
  const images = nb.slice(nb.data.loadDigits().images, [0, 0, 0], [12, -1, -1]);
  const svg = imageGrid(images);
  const { root } = checkSvg(svg);
  assert.equal(select(root, 'g', 'tile').length, 12);
  assert.equal(imageGrid(nb.reshape(images, [12, 8, 8, 1])), svg);
  // equal neighbours merge into one rect: a row of identical pixels is a single rect
  const flat = checkSvg(imageGrid({ shape: [1, 2, 8], storage: new Float32Array(16).fill(1) })).root;
  assert.equal(select(flat, 'rect').filter((e) => e.attrs.fill === '#000000').length, 2);
  // NaN pixels are left blank
  checkSvg(imageGrid({ shape: [1, 2, 2], storage: new Float32Array([NaN, 1, 0, Infinity]) }));
});

test('imageGrid: clear errors', () => {
  assert.throws(() => imageGrid({ shape: [2, 4], storage: new Float32Array(8) }), ShapeError);
  assert.throws(() => imageGrid({ shape: [1, 2, 2, 3], storage: new Float32Array(12) }), ShapeError);
  assert.throws(() => imageGrid({ shape: [0, 2, 2], storage: new Float32Array(0) }), ShapeError);
  assert.throws(() => imageGrid({ shape: [1, 2, 2], storage: new Float32Array(4) }, { scale: -1 }), ArgumentError);
});

test('weightImages: a Variable (a layer kernel) draws its current value', () => {
  nb.seed(3);
  const kernel = nb.randomNormal([16, 4]);
  const v = nb.variable(kernel);
  assert.equal(weightImages(v), weightImages(kernel));
  assert.throws(() => weightImages({} as never), ArgumentError);
});
