// The WebAssembly kernels of nabla's wasm backend, written in AssemblyScript.
// Every kernel works on raw pointers into the shared linear memory, which the
// JavaScript side manages; nothing here allocates.
export * from './memory';
export * from './matmul';
export * from './elementwise';
export * from './reduce';
export * from './window';
export * from './fused';
