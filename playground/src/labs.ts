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
  { id: 'calculus', title: 'Calculus', load: async () => (await import('./calculus/index.js')).createCalculusLab },
];
