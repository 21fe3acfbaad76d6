// The contract between the playground's shell (main.ts: the lab tabs, the
// toolbar, the URL hash, the animation frame) and each lab. A lab lives in its
// own folder (points/, digits/, ...), owns its Web Worker and its part of the
// URL hash, and is created lazily when first opened (labs.ts lists them).

/** What a lab's worker reports once nabla is ready in it. */
export interface EngineInfo {
  backend: string;
  threads: number;
  isolated: boolean;
}

/** What the shell gives a lab. */
export interface LabHost {
  /** Shows a one-line message in the toolbar (an error, a divergence); '' clears it. */
  message(text: string): void;
  /** Shows the lab's progress counter in the toolbar (epochs or steps, as the lab's `counter` says). */
  setCounter(n: number): void;
  /** Tells the shell that training stopped (or started) by itself: the play button follows. */
  setPlaying(playing: boolean): void;
  /** The lab's state changed (a control moved): the shell rewrites the URL hash from `lab.state()`. */
  stateChanged(): void;
  /** The engine the lab's worker runs on, for the status line. */
  setEngine(info: EngineInfo): void;
  /** The last state (URL parameters) another lab had in this page, or null: e.g. the Equations lab explains the Points or Digits network. */
  labState(id: string): URLSearchParams | null;
  /** The counter another lab last showed in this page (its epochs or steps since its last reset), or null if it was never opened: e.g. the Calculus landscape trains the Points network as far as the Points lab has. */
  labCounter(id: string): number | null;
}

/** One lab of the playground. */
export interface Lab {
  /** The lab's content, placed in the page's <main> while the lab is open. */
  readonly root: HTMLElement;
  /** The toolbar counter's label ('Epoch', 'Step'). */
  readonly counter: string;
  /** What the step button does, for its label ('Train one epoch'). */
  readonly stepLabel: string;
  /** The lab's whole set-up as URL parameters (without `lab=`): a shared URL restores it. Seeded: the same parameters train the same way. */
  state(): URLSearchParams;
  /** Restores a set-up from URL parameters (a link followed, a hash typed) and resets. */
  load(params: URLSearchParams): void;
  play(): void;
  pause(): void;
  /** Trains one unit (an epoch, a step), then pauses. */
  step(): void;
  /** Starts again from the current set-up (new initial weights from the same seed). */
  reset(): void;
  /** Called once per animation frame while the lab is open: draw what changed. */
  frame(): void;
  /** The lab is being closed (another tab opened): stop training. The lab object is kept and may be opened again (`load`). */
  close(): void;
}

/** Makes a lab from the URL parameters it was opened with. */
export type LabFactory = (host: LabHost, params: URLSearchParams) => Lab;
