import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

const dir = '/usr/share/datasets/fashion-mnist';
const present = existsSync(`${dir}/train-images-idx3-ubyte.gz`);

test('loadFashionMnist reads the 60000 training and 10000 test images', { skip: present ? false : `Fashion-MNIST is not installed in ${dir}` }, () => {
  const train = nb.data.loadFashionMnist();
  assert.deepEqual([...train.x.shape], [60000, 784]);
  assert.deepEqual([...train.images.shape], [60000, 28, 28, 1]);
  assert.deepEqual([...train.labels.shape], [60000]);
  const counts = new Array(10).fill(0);
  for (const l of train.labels.storage) counts[l]++;
  assert.deepEqual(counts, new Array(10).fill(6000));
  assert.ok(nb.max(train.x).item() <= 1 && nb.min(train.x).item() >= 0);
  const test10k = nb.data.loadFashionMnist({ kind: 't10k' });
  assert.deepEqual([...test10k.x.shape], [10000, 784]);
});
