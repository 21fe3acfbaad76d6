import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

test('loadDigits returns the 1797 UCI digits scaled to 0..1, with labels and 8x8 images', () => {
  const { x, labels, images } = nb.data.loadDigits();
  assert.deepEqual([...x.shape], [1797, 64]);
  assert.deepEqual([...labels.shape], [1797]);
  assert.deepEqual([...images.shape], [1797, 8, 8]);
  assert.equal(labels.dtype, 'int32');
  assert.equal(nb.max(x).item(), 1);
  assert.equal(nb.min(x).item(), 0);
  const counts = new Array(10).fill(0);
  for (const l of labels.storage) counts[l]++;
  assert.ok(
    counts.every((c) => c >= 170 && c <= 185),
    `class counts ${counts}`,
  );
  assert.deepEqual(images.toArray()[5], nb.reshape(nb.slice(x, [5, 0], [1, 64]), [8, 8]).toArray());
});
