// What the TF.js tests share: a tolerance check, and moving models between
// nabla and the real @tensorflow/tfjs through its in-memory IO handlers.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as nb from '../../src/index.js';

/** |got − want| ≤ tol·max(1, |want|) entry by entry, naming the first entry that is not. */
export function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 1e-5): void {
  assert.equal(got.length, want.length, `${what}: size`);
  for (let i = 0; i < want.length; i++)
    assert.ok(Math.abs(got[i]! - want[i]!) <= tol * Math.max(1, Math.abs(want[i]!)), `${what}: entry ${i} is ${got[i]}, expected ${want[i]}`);
}

/** The artifacts TF.js saves for a model (model.json's topology, the weight specs and data), caught in memory. */
export async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return artifacts! as tf.io.ModelArtifacts;
}

/** TF.js's model of nabla's export (through JSON text, as the file holds it). */
export async function toTfjs(model: nb.Sequential): Promise<tf.LayersModel> {
  const { modelJson, weights } = nb.tfjs.exportModel(model);
  const json = JSON.parse(JSON.stringify(modelJson));
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights.slice().buffer }),
  );
}

/** nabla's model of what TF.js saved. */
export const fromTfjs = (a: tf.io.ModelArtifacts) =>
  nb.tfjs.importModel({ modelTopology: a.modelTopology, weightSpecs: a.weightSpecs! as never, weightData: a.weightData as ArrayBuffer });
