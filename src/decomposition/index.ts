/**
 * nabla.decomposition: matrix decompositions of data sets, with
 * scikit-learn's semantics. Built on nabla.linalg.
 */
export { PCA, pca } from './pca.js';
export type { PCAOptions } from './pca.js';
