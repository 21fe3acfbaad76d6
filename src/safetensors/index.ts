// nb.safetensors: the PyTorch world's weight files, and PyTorch state dicts in nabla models.
export { encodeSafetensors as encode, decodeSafetensors as decode, SafetensorsError, MAX_HEADER_BYTES, type SafetensorsData } from './format.js';
export { loadTorchStateDict, type TorchLoadOptions, type TorchMappingStep } from './torch.js';
export { loadSafetensors as load } from './load.js';
