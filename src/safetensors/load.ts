import { readSource, type LoadModelOptions, type ModelSource } from '../io/model-file.js';
import { decodeSafetensors, type SafetensorsData } from './format.js';

/**
 * Reads a safetensors file from a path (Node), an http(s):// or page-relative
 * URL, IndexedDB, bytes or a File, bounded by `opts.maxBytes`, and decodes it.
 */
export async function loadSafetensors(source: ModelSource, opts: LoadModelOptions = {}): Promise<SafetensorsData> {
  const { bytes, name } = await readSource('safetensors.load', source, opts);
  return decodeSafetensors(bytes, name);
}
