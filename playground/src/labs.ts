// The playground's labs, in tab order. Each is imported when first opened,
// so a lab's libraries (three.js, KaTeX) load only with it.
import type { LabFactory } from './lab.js';

export interface LabEntry {
  /** The `lab=` value in the URL hash. */
  id: string;
  /** The tab's text. */
  title: string;
  load: () => Promise<LabFactory>;
}

export const LABS: LabEntry[] = [
  { id: 'points', title: 'Points', load: async () => (await import('./points/index.js')).createPointsLab },
  { id: 'digits', title: 'Digits', load: async () => (await import('./digits/index.js')).createDigitsLab },
  { id: 'calculus', title: 'Calculus', load: async () => (await import('./calculus/index.js')).createCalculusLab },
  { id: 'equations', title: 'Equations', load: async () => (await import('./equations/index.js')).createEquationsLab },
  { id: 'curvature', title: 'Curvature', load: async () => (await import('./curvature/index.js')).createCurvatureLab },
];
