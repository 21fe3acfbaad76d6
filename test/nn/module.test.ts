import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

class Affine extends nb.nn.Module {
  w = this.registerParameter(
    'w',
    nb.variable(
      nb.tensor([
        [1, 2],
        [3, 4],
      ]),
    ),
  );
  b = this.registerParameter('b', nb.variable(nb.tensor([0, 0])));
  forward(x: Tensor) {
    return nb.add(nb.matmul(x, this.w), this.b);
  }
}

class TwoLayers extends nb.nn.Module {
  first = this.registerModule('first', new Affine());
  second = this.registerModule('second', new Affine());
  frozen = this.registerParameter('scale', nb.variable(nb.tensor([2]), { trainable: false }));
  forward(x: Tensor) {
    return nb.mul(this.second.forward(nb.relu(this.first.forward(x))), this.frozen);
  }
}

test('a custom Module registers parameters and sub-modules, with dotted names', () => {
  const m = new TwoLayers();
  assert.deepEqual(
    m.namedParameters().map(([k]) => k),
    ['scale', 'first.w', 'first.b', 'second.w', 'second.b'],
  );
  assert.equal(m.parameters().length, 5);
  assert.equal(m.trainableParameters().length, 4);
  const g = nb.grad(() => nb.sum(m.forward(nb.tensor([[1, 1]]))))(m.trainableParameters()) as Tensor[];
  assert.equal(g.length, 4);
});

test('train() and eval() switch the mode of the whole tree', () => {
  const m = new TwoLayers();
  m.eval();
  assert.equal(m.first.training, false);
  m.train();
  assert.equal(m.second.training, true);
});

test('loadStateDict restores values and names what is missing, unexpected or mis-shaped', () => {
  const m = new TwoLayers();
  const state = m.stateDict();
  const other = new TwoLayers();
  other.first.w.assign(nb.zeros([2, 2]));
  other.loadStateDict(state);
  assert.deepEqual(other.first.w.value.toArray(), [
    [1, 2],
    [3, 4],
  ]);
  const { ['second.b']: _dropped, ...missing } = state;
  assert.throws(() => other.loadStateDict(missing), /loadStateDict: missing keys: second.b/);
  assert.throws(() => other.loadStateDict({ ...state, extra: nb.zeros([1]) }), /unexpected keys: extra/);
  assert.throws(() => other.loadStateDict({ ...state, 'first.w': nb.zeros([3, 2]) }), /'first.w' has shape \[2,2\] in the model but \[3,2\] in the state dict/);
  other.loadStateDict(missing, { strict: false });
});
