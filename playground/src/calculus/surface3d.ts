// A 3-D view of a surface z = J(u, v) on a grid, drawn with three.js: lit,
// coloured by height, with contour lines on it and on the floor below, and
// paths on it (the balls and their trails, or a training path). Orbit by
// dragging, or from the keyboard on the focused view (arrow keys turn and
// tilt it, + and − zoom). Used by the cost-surface part and the model
// landscape part.
import * as THREE from 'three';
import { el } from '../dom.js';
import { fmt, niceStep } from './tangent.js';

const W = 780,
  H = 520;
/** The surface's drawn height (its base at 0, the floor with the contours below it). */
const HEIGHT = 1.1;
const FLOOR = -0.35;
const LEVELS = 14;

export interface GridSpec {
  /** The grid's u and v values (columns i, rows j). */
  us: readonly number[];
  vs: readonly number[];
  /** z[j·nu + i] at (us[i], vs[j]). */
  z: ArrayLike<number>;
  /** Draw log(1 + z − min) rather than z (for surfaces whose walls dwarf the floor). */
  logHeight: boolean;
  labels: [string, string, string];
}

export interface PathSpec {
  color: string;
  /** A short name for the diverged / off-surface label ('GD'). */
  name?: string;
  /** Labels at the path's first and last points (e.g. 'θ₀', 'θ*'), or none. */
  marks?: [string, string];
  /** (u, v, z) triples. */
  points: ArrayLike<number>;
  /** Draw a ball at the last point. */
  ball: boolean;
  /** Mark the path's end as diverged (a red cross where it left the surface). */
  diverged: boolean;
}

/** Viridis, by five stops. */
const VIRIDIS: [number, number, number][] = [
  [0.267, 0.005, 0.329],
  [0.231, 0.322, 0.545],
  [0.129, 0.569, 0.549],
  [0.369, 0.788, 0.384],
  [0.993, 0.906, 0.144],
];
function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x)),
    f = x - i;
  const a = VIRIDIS[i]!,
    b = VIRIDIS[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** True when this browser can draw WebGL. */
export function hasWebGL(): boolean {
  try {
    const c = document.createElement('canvas');
    return !!(c.getContext('webgl2') ?? c.getContext('webgl'));
  } catch {
    return false;
  }
}

export class SurfaceView {
  readonly root: HTMLElement;
  private readonly renderer: THREE.WebGLRenderer | null = null;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(34, W / H, 0.1, 50);
  private readonly overlay = el('div', { className: 'surface-labels' });
  private surfaceGroup = new THREE.Group();
  private pathGroup = new THREE.Group();
  private labels: { at: THREE.Vector3; node: HTMLElement }[] = [];
  private pathLabels: { at: THREE.Vector3; node: HTMLElement }[] = [];
  private markLabels: { at: THREE.Vector3; node: HTMLElement }[] = [];
  private grid: GridSpec | null = null;
  private range = { lo: 0, hi: 1, tlo: 0, thi: 1 };
  private azimuth = -0.95;
  private elevation = 0.8;
  private distance = 5.2;
  private dirty = true;
  /** When a slow render (software WebGL) may run again: as long after the last one as it took. */
  private nextRender = 0;

  constructor(description: string) {
    const canvas = el('canvas', { className: 'surface-3d', tabIndex: 0 });
    // it takes the arrow keys: an application (a screen reader passes them through), not an image
    canvas.setAttribute('role', 'application');
    canvas.setAttribute('aria-roledescription', '3-D view');
    canvas.ariaLabel = description;
    canvas.title = 'Drag to turn the surface; or focus it and press the arrow keys to turn and tilt, + and − to zoom';
    this.root = el('div', { className: 'surface-wrap' }, canvas, this.overlay);
    if (!hasWebGL()) {
      this.root.replaceChildren(
        el(
          'p',
          { className: 'no-webgl', role: 'note' },
          'This 3-D view needs WebGL, which this browser does not offer (enable hardware acceleration, or try another browser).',
        ),
      );
      return;
    }
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: false });
    this.renderer.setPixelRatio(Math.min(2, globalThis.devicePixelRatio || 1));
    this.renderer.setSize(W, H, false);
    canvas.style.width = `${W}px`;
    canvas.style.aspectRatio = `${W} / ${H}`;
    this.renderer.setClearColor(0xffffff);
    this.camera.up.set(0, 0, 1);
    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x445566, 1.6));
    const sun = new THREE.DirectionalLight(0xffffff, 1.6);
    sun.position.set(-2, -3, 5);
    this.scene.add(sun, this.surfaceGroup, this.pathGroup);

    let drag: { x: number; y: number } | null = null;
    canvas.onpointerdown = (e) => {
      drag = { x: e.clientX, y: e.clientY };
      canvas.setPointerCapture(e.pointerId);
    };
    canvas.onpointermove = (e) => {
      if (!drag) return;
      this.turn((e.clientX - drag.x) * -0.01, (e.clientY - drag.y) * 0.01);
      drag = { x: e.clientX, y: e.clientY };
    };
    canvas.onpointerup = () => {
      drag = null;
    };
    canvas.onwheel = (e) => {
      e.preventDefault();
      this.zoom(e.deltaY > 0 ? 1.08 : 1 / 1.08);
    };
    canvas.onkeydown = (e) => {
      const moves: Record<string, () => void> = {
        ArrowLeft: () => this.turn(0.12, 0),
        ArrowRight: () => this.turn(-0.12, 0),
        ArrowUp: () => this.turn(0, 0.08),
        ArrowDown: () => this.turn(0, -0.08),
        '+': () => this.zoom(1 / 1.1),
        '=': () => this.zoom(1 / 1.1),
        '-': () => this.zoom(1.1),
      };
      const m = moves[e.key];
      if (m) {
        e.preventDefault();
        m();
      }
    };
  }

  /** Whether the view can draw (WebGL is there). */
  get available(): boolean {
    return this.renderer !== null;
  }

  /** The camera's azimuth (radians), for tests of the orbit. */
  get view(): { azimuth: number; elevation: number; distance: number } {
    return { azimuth: this.azimuth, elevation: this.elevation, distance: this.distance };
  }

  /** Sets the camera: azimuth and elevation in radians. */
  setView(azimuth: number, elevation: number): void {
    this.azimuth = azimuth;
    this.elevation = elevation;
    this.distance = 5.2;
    this.dirty = true;
  }

  private turn(da: number, de: number): void {
    this.azimuth += da;
    this.elevation = Math.min(1.45, Math.max(0.05, this.elevation + de));
    this.dirty = true;
  }

  private zoom(f: number): void {
    this.distance = Math.min(12, Math.max(2.5, this.distance * f));
    this.dirty = true;
  }

  private X(u: number): number {
    const us = this.grid!.us;
    return ((u - us[0]!) / (us[us.length - 1]! - us[0]!)) * 2 - 1;
  }

  private Y(v: number): number {
    const vs = this.grid!.vs;
    return ((v - vs[0]!) / (vs[vs.length - 1]! - vs[0]!)) * 2 - 1;
  }

  /** The drawn height of a value z: 0 at the grid's minimum, HEIGHT at its maximum (linear or logarithmic). */
  height(z: number): number {
    const { lo, tlo, thi } = this.range;
    const t = this.grid?.logHeight ? Math.log1p(Math.max(0, z - lo)) : z;
    return ((t - tlo) / (thi - tlo || 1)) * HEIGHT;
  }

  /** Draws a new surface (and clears the paths). */
  setGrid(g: GridSpec): void {
    this.grid = g;
    let lo = Infinity,
      hi = -Infinity;
    for (let k = 0; k < g.z.length; k++) {
      const v = g.z[k]!;
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    this.range = { lo, hi, tlo: g.logHeight ? 0 : lo, thi: g.logHeight ? Math.log1p(hi - lo) : hi };
    if (!this.renderer) return;
    dispose(this.surfaceGroup);
    this.surfaceGroup.clear();
    const nu = g.us.length,
      nv = g.vs.length;
    const pos = new Float32Array(nu * nv * 3),
      col = new Float32Array(nu * nv * 3),
      h = new Float32Array(nu * nv);
    for (let j = 0; j < nv; j++)
      for (let i = 0; i < nu; i++) {
        const k = j * nu + i;
        const z = g.z[k]!;
        h[k] = Number.isFinite(z) ? this.height(z) : HEIGHT;
        pos.set([this.X(g.us[i]!), this.Y(g.vs[j]!), h[k]!], 3 * k);
        col.set(viridis(h[k]! / HEIGHT), 3 * k);
      }
    const index: number[] = [];
    for (let j = 0; j + 1 < nv; j++)
      for (let i = 0; i + 1 < nu; i++) {
        const a = j * nu + i;
        index.push(a, a + 1, a + nu + 1, a, a + nu + 1, a + nu);
      }
    const geo = new THREE.BufferGeometry();
    geo.setAttribute('position', new THREE.BufferAttribute(pos, 3));
    geo.setAttribute('color', new THREE.BufferAttribute(col, 3));
    geo.setIndex(index);
    geo.computeVertexNormals();
    const mesh = new THREE.Mesh(
      geo,
      new THREE.MeshLambertMaterial({ vertexColors: true, side: THREE.DoubleSide, polygonOffset: true, polygonOffsetFactor: 1, polygonOffsetUnits: 1 }),
    );
    this.surfaceGroup.add(mesh);

    // contours at evenly spaced drawn heights: on the surface (dark, thin) and on the floor (coloured by height)
    const levels = Array.from({ length: LEVELS }, (_, k) => ((k + 0.5) / LEVELS) * HEIGHT);
    const on: number[] = [],
      below: number[] = [],
      belowColors: number[] = [];
    for (const level of levels) {
      const c = viridis(level / HEIGHT);
      for (const [ax, ay, bx, by] of contour(h, nu, nv, level)) {
        const p = [this.gx(ax), this.gy(ay), this.gx(bx), this.gy(by)] as const;
        on.push(p[0], p[1], level + 0.004, p[2], p[3], level + 0.004);
        below.push(p[0], p[1], FLOOR, p[2], p[3], FLOOR);
        belowColors.push(...c, ...c);
      }
    }
    const lines = (xyz: number[], material: THREE.LineBasicMaterial, colors?: number[]) => {
      const geo = new THREE.BufferGeometry();
      geo.setAttribute('position', new THREE.BufferAttribute(new Float32Array(xyz), 3));
      if (colors) geo.setAttribute('color', new THREE.BufferAttribute(new Float32Array(colors), 3));
      return new THREE.LineSegments(geo, material);
    };
    this.surfaceGroup.add(lines(on, new THREE.LineBasicMaterial({ color: 0x1f2933, transparent: true, opacity: 0.35 })));
    this.surfaceGroup.add(lines(below, new THREE.LineBasicMaterial({ vertexColors: true }), belowColors));
    // the floor's frame and the box's vertical edge at the back corner
    const f = FLOOR;
    this.surfaceGroup.add(
      lines(
        [-1, -1, f, 1, -1, f, 1, -1, f, 1, 1, f, 1, 1, f, -1, 1, f, -1, 1, f, -1, -1, f, -1, -1, f, -1, -1, HEIGHT],
        new THREE.LineBasicMaterial({ color: 0x7b8794 }),
      ),
    );
    // axis labels (HTML, placed by projecting their 3-D points each frame)
    for (const l of this.labels) l.node.remove();
    const us = g.us,
      vs = g.vs;
    const label = (x: number, y: number, z: number, text: string, cls = '') => {
      const node = el('span', { className: `surface-label ${cls}` }, text);
      this.overlay.append(node);
      this.labels.push({ at: new THREE.Vector3(x, y, z), node });
    };
    this.labels = [];
    label(0, -1.42, f, g.labels[0], 'axis');
    label(1.3, 0, f, g.labels[1], 'axis vaxis');
    label(-1, -1, HEIGHT + 0.1, g.labels[2], 'axis zaxis');
    // ticks at round values along the front (u) and right (v) edges, away from the shared corner
    const [ut, vt] = [ticks(us[0]!, us[us.length - 1]!), ticks(vs[0]!, vs[vs.length - 1]!)];
    for (const t of ut) if (Math.abs(this.X(t) - 1) > 0.2) label(this.X(t), -1.12, f, fmt(t));
    for (const t of vt) if (Math.abs(this.Y(t) + 1) > 0.2) label(1.12, this.Y(t), f, fmt(t));
    label(-1, -1, 0, fmt(lo), 'ztick');
    label(-1, -1, HEIGHT, fmt(hi), 'ztick');
    this.setPaths([]);
    this.setMarks([]);
  }

  private gx(i: number): number {
    const us = this.grid!.us;
    return this.X(us[0]! + ((us[us.length - 1]! - us[0]!) * i) / (us.length - 1));
  }

  private gy(j: number): number {
    const vs = this.grid!.vs;
    return this.Y(vs[0]! + ((vs[vs.length - 1]! - vs[0]!) * j) / (vs.length - 1));
  }

  private inside(u: number, v: number): boolean {
    const x = this.X(u),
      y = this.Y(v);
    return x >= -1.0001 && x <= 1.0001 && y >= -1.0001 && y <= 1.0001;
  }

  /** Draws the paths: each a trail on the surface and its shadow on the floor, a ball at its end, a red cross where a diverged one left the surface. */
  setPaths(paths: PathSpec[]): void {
    this.dirty = true;
    for (const l of this.pathLabels) l.node.remove();
    this.pathLabels = [];
    if (!this.renderer || !this.grid) return;
    dispose(this.pathGroup);
    this.pathGroup.clear();
    for (const p of paths) {
      const color = new THREE.Color(p.color);
      const n = p.points.length / 3;
      // the part of the trail over the grid: leaving it ends the drawn trail
      let last = -1;
      const top: number[] = [],
        floor: number[] = [];
      for (let t = 0; t < n; t++) {
        const u = p.points[3 * t]!,
          v = p.points[3 * t + 1]!,
          z = p.points[3 * t + 2]!;
        if (!this.inside(u, v) || !Number.isFinite(z)) break;
        last = t;
        top.push(this.X(u), this.Y(v), Math.min(this.height(z), HEIGHT * 1.3) + 0.015);
        floor.push(this.X(u), this.Y(v), FLOOR + 0.002);
      }
      if (top.length >= 6) {
        this.pathGroup.add(polyline(top, color, 1));
        this.pathGroup.add(polyline(floor, color, 0.8));
      }
      if (last < 0) continue;
      const end = new THREE.Vector3(top[3 * last]!, top[3 * last + 1]!, top[3 * last + 2]!);
      const offGrid = last < n - 1;
      if (p.marks) {
        const first = new THREE.Vector3(top[0]!, top[1]!, top[2]!);
        for (const [at, text, cls] of [
          [first, p.marks[0], 'mark start'],
          [end, p.marks[1], 'mark end'],
        ] as const) {
          if (text === '') continue;
          const node = el('span', { className: `surface-label ${cls}`, style: `--c: ${p.color}` }, text);
          this.overlay.append(node);
          this.pathLabels.push({ at, node });
        }
      }
      if (p.ball && !offGrid && !p.diverged) {
        const ball = new THREE.Mesh(new THREE.SphereGeometry(0.05, 20, 14), new THREE.MeshLambertMaterial({ color }));
        ball.position.set(end.x, end.y, end.z + 0.04);
        this.pathGroup.add(ball);
        const shadow = new THREE.Mesh(new THREE.CircleGeometry(0.03, 16), new THREE.MeshBasicMaterial({ color }));
        shadow.position.set(end.x, end.y, FLOOR + 0.003);
        this.pathGroup.add(shadow);
      }
      if (p.diverged || offGrid) {
        // the way out: from the last point over the grid towards the next one, up to the grid's edge, rising
        let exit = end;
        if (offGrid) {
          const u = p.points[3 * (last + 1)]!,
            v = p.points[3 * (last + 1) + 1]!;
          const qx = this.X(u),
            qy = this.Y(v);
          if (Number.isFinite(qx) && Number.isFinite(qy)) {
            let t = 1;
            for (const [a, b] of [
              [end.x, qx],
              [end.y, qy],
            ] as const) {
              if (b > 1) t = Math.min(t, (1 - a) / (b - a));
              if (b < -1) t = Math.min(t, (-1 - a) / (b - a));
            }
            exit = new THREE.Vector3(end.x + (qx - end.x) * t, end.y + (qy - end.y) * t, Math.min(HEIGHT * 1.25, end.z + 0.4));
            const way = new THREE.Line(
              new THREE.BufferGeometry().setFromPoints([end, exit]),
              new THREE.LineDashedMaterial({ color, dashSize: 0.05, gapSize: 0.035 }),
            );
            way.computeLineDistances();
            this.pathGroup.add(way);
          }
        }
        if (p.diverged) {
          // a ball only off the drawn square for a while (it may come back) gets the dashed way out; a diverged one its label and a cross
          const node = el('span', { className: 'surface-label diverged', style: `--c: ${p.color}` }, `✕ ${p.name ? `${p.name} ` : ''}diverged`);
          this.overlay.append(node);
          this.pathLabels.push({ at: exit, node });
          const cross = new THREE.Group();
          for (const s of [1, -1])
            cross.add(polyline([exit.x - 0.07, exit.y - 0.07 * s, exit.z, exit.x + 0.07, exit.y + 0.07 * s, exit.z], new THREE.Color('#e03131'), 1));
          this.pathGroup.add(cross);
        }
      }
    }
  }

  /** Marks points of the surface (its minima) with a label: (u, v, z, text). */
  setMarks(marks: { u: number; v: number; z: number; text: string }[]): void {
    for (const l of this.markLabels) l.node.remove();
    this.markLabels = [];
    if (!this.renderer || !this.grid) return;
    for (const m of marks) {
      if (!this.inside(m.u, m.v)) continue;
      const node = el('span', { className: 'surface-label minimum' }, `★ ${m.text}`);
      this.overlay.append(node);
      this.markLabels.push({ at: new THREE.Vector3(this.X(m.u), this.Y(m.v), this.height(m.z) + 0.01), node });
    }
    this.dirty = true;
  }

  /** Renders when something changed, leaving the page at least half its time when rendering is slow (software WebGL). */
  frame(): void {
    if (!this.dirty || !this.renderer) return;
    const t0 = performance.now();
    if (t0 < this.nextRender) return;
    this.dirty = false;
    const target = new THREE.Vector3(0, 0, 0.05);
    const ce = Math.cos(this.elevation);
    this.camera.position.set(
      target.x + this.distance * ce * Math.cos(this.azimuth),
      target.y + this.distance * ce * Math.sin(this.azimuth),
      target.z + this.distance * Math.sin(this.elevation),
    );
    this.camera.lookAt(target);
    this.camera.updateMatrixWorld();
    this.renderer.render(this.scene, this.camera);
    this.renderer.domElement.dataset.azimuth = this.azimuth.toFixed(3);
    const took = performance.now() - t0;
    this.nextRender = took > 8 ? performance.now() + took : 0;
    for (const l of [...this.labels, ...this.markLabels, ...this.pathLabels]) {
      const p = l.at.clone().project(this.camera);
      l.node.style.left = `${((p.x + 1) / 2) * 100}%`;
      l.node.style.top = `${((1 - p.y) / 2) * 100}%`;
    }
  }
}

/** About six round values (1, 2 or 5 × 10ᵏ apart) in [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const step = niceStep((hi - lo) / 5);
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) out.push(Math.abs(t) < 1e-9 * step ? 0 : t);
  return out;
}

function polyline(xyz: number[], color: THREE.Color, opacity: number): THREE.Line {
  const geo = new THREE.BufferGeometry();
  geo.setAttribute('position', new THREE.BufferAttribute(new Float32Array(xyz), 3));
  return new THREE.Line(geo, new THREE.LineBasicMaterial({ color, transparent: opacity < 1, opacity, linewidth: 2 }));
}

function dispose(g: THREE.Group): void {
  g.traverse((o) => {
    const m = o as THREE.Mesh;
    m.geometry?.dispose();
    const mat = m.material as THREE.Material | THREE.Material[] | undefined;
    if (Array.isArray(mat)) for (const x of mat) x.dispose();
    else mat?.dispose();
  });
}

/**
 * Marching squares: the segments where the grid h (nu × nv, row-major along
 * v) crosses `level`, as [i₁, j₁, i₂, j₂] in fractional grid coordinates.
 */
export function contour(h: ArrayLike<number>, nu: number, nv: number, level: number): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  const at = (i: number, j: number) => h[j * nu + i]!;
  for (let j = 0; j + 1 < nv; j++)
    for (let i = 0; i + 1 < nu; i++) {
      const corners = [
        [i, j],
        [i + 1, j],
        [i + 1, j + 1],
        [i, j + 1],
      ] as const;
      const pts: [number, number][] = [];
      for (let e = 0; e < 4; e++) {
        const [ai, aj] = corners[e]!,
          [bi, bj] = corners[(e + 1) % 4]!;
        const a = at(ai, aj) - level,
          b = at(bi, bj) - level;
        if (a < 0 !== b < 0) {
          const t = a / (a - b);
          pts.push([ai + (bi - ai) * t, aj + (bj - aj) * t]);
        }
      }
      if (pts.length >= 2) out.push([pts[0]![0], pts[0]![1], pts[1]![0], pts[1]![1]]);
      if (pts.length === 4) out.push([pts[2]![0], pts[2]![1], pts[3]![0], pts[3]![1]]);
    }
  return out;
}
