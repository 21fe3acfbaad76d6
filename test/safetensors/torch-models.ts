// The nabla models of the PyTorch state dicts in test/fixtures/safetensors/ (made by
// test/fixtures/make_safetensors_fixtures.py), for the tests that load them.
import * as nb from '../../src/index.js';

const L = nb.layers;

/**
 * The CNN fixture's model: conv 3x3 'same' → batch norm (named 'bn', with ε `epsilon`;
 * nabla's default 1e-3 when undefined, PyTorch's module has 1e-5) → relu → max pool 2 →
 * flatten → dense 4, on [6, 6, 2] images.
 */
export function torchCnn(epsilon?: number): nb.Sequential {
  return nb.sequential([
    L.conv2d({ filters: 3, kernelSize: 3, padding: 'same', inputShape: [6, 6, 2] }),
    L.batchNormalization({ epsilon, name: 'bn' }),
    L.activation({ activation: 'relu' }),
    L.maxPooling2d({ poolSize: 2 }),
    L.flatten(),
    L.dense({ units: 4 }),
  ]);
}
