// The drawing pad: an 8×8 grid of intensities 0..16 (the UCI digits' scale).
// Draw with the mouse, a pen or a finger (a stroke inks the cell under it
// fully and its neighbours lightly, like the blurred scans); right button or
// Shift erases. From the keyboard: the arrow keys move a cursor, Space or
// Enter toggles the cell, Delete clears the grid.
import { el } from '../dom.js';
import { drawCells, inkColor } from './views.js';

const SIZE = 180;
const CELL = SIZE / 8;

export class DrawPad {
  /** An interactive canvas: role application (so a screen reader passes the arrow keys and Space through), named as a drawing pad. */
  readonly canvas = el('canvas', { className: 'pad', id: 'digits-pad', role: 'application', ariaRoleDescription: 'drawing pad', tabIndex: 0 });
  readonly pixels = new Float32Array(64);
  private cursor = 27;
  private showCursor = false;
  private drawing: 'ink' | 'erase' | null = null;

  constructor(private readonly onChange: (pixels: Float32Array) => void) {
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = SIZE * dpr;
    this.canvas.height = SIZE * dpr;
    this.canvas.style.width = `${SIZE}px`;
    this.canvas.style.height = `${SIZE}px`;
    this.canvas.style.touchAction = 'none';
    const c = this.canvas;
    c.onpointerdown = (e) => {
      e.preventDefault();
      c.focus();
      c.setPointerCapture?.(e.pointerId);
      this.drawing = e.button === 2 || e.shiftKey ? 'erase' : 'ink';
      this.stroke(e);
    };
    c.onpointermove = (e) => {
      if (this.drawing) this.stroke(e);
    };
    c.onpointerup = c.onpointercancel = () => {
      this.drawing = null;
    };
    c.oncontextmenu = (e) => e.preventDefault();
    c.onfocus = () => {
      this.showCursor = true;
      this.draw();
    };
    c.onblur = () => {
      this.showCursor = false;
      this.draw();
    };
    c.onkeydown = (e) => this.key(e);
    this.describe();
    this.draw();
  }

  private stroke(e: PointerEvent): void {
    const r = this.canvas.getBoundingClientRect();
    const col = Math.floor(((e.clientX - r.left) / r.width) * 8),
      row = Math.floor(((e.clientY - r.top) / r.height) * 8);
    if (col < 0 || col > 7 || row < 0 || row > 7) return;
    const i = row * 8 + col;
    let changed = false;
    const set = (j: number, v: number) => {
      if (this.pixels[j] !== v) {
        this.pixels[j] = v;
        changed = true;
      }
    };
    if (this.drawing === 'erase') set(i, 0);
    else {
      set(i, 16);
      for (const [dr, dc] of [
        [-1, 0],
        [1, 0],
        [0, -1],
        [0, 1],
      ] as const) {
        const rr = row + dr,
          cc = col + dc;
        if (rr >= 0 && rr < 8 && cc >= 0 && cc < 8) set(rr * 8 + cc, Math.max(this.pixels[rr * 8 + cc]!, 6));
      }
    }
    this.cursor = i;
    if (changed) this.changed();
  }

  private key(e: KeyboardEvent): void {
    const row = Math.floor(this.cursor / 8),
      col = this.cursor % 8;
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const m = moves[e.key];
    if (m) {
      this.cursor = Math.min(7, Math.max(0, row + m[0])) * 8 + Math.min(7, Math.max(0, col + m[1]));
      this.describe();
      this.draw();
    } else if (e.key === ' ' || e.key === 'Enter') {
      this.pixels[this.cursor] = this.pixels[this.cursor]! >= 8 ? 0 : 16;
      this.changed();
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      this.clear();
    } else return;
    e.preventDefault();
  }

  /** Empties the grid. */
  clear(): void {
    this.pixels.fill(0);
    this.changed();
  }

  /** Shows given intensities (a test digit). */
  set(pixels: ArrayLike<number>): void {
    for (let i = 0; i < 64; i++) this.pixels[i] = pixels[i]!;
    this.changed();
  }

  private changed(): void {
    this.describe();
    this.draw();
    this.onChange(this.pixels);
  }

  private describe(): void {
    const inked = this.pixels.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
    this.canvas.ariaLabel =
      `Drawing pad, 8 by 8 cells, ${inked} inked. Draw with the mouse or a finger; from the keyboard the arrow keys move the cursor ` +
      `(now row ${Math.floor(this.cursor / 8) + 1}, column ${(this.cursor % 8) + 1}), Space inks or clears that cell, Delete clears the pad`;
    this.canvas.dataset.inked = String(inked);
  }

  draw(): void {
    const ctx = this.canvas.getContext('2d')!;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawCells(ctx, 0, 0, CELL, (i) => inkColor(this.pixels[i]!));
    ctx.strokeStyle = '#e3e7ec';
    ctx.lineWidth = 1;
    for (let k = 1; k < 8; k++) {
      ctx.beginPath();
      ctx.moveTo(k * CELL + 0.5, 0);
      ctx.lineTo(k * CELL + 0.5, SIZE);
      ctx.moveTo(0, k * CELL + 0.5);
      ctx.lineTo(SIZE, k * CELL + 0.5);
      ctx.stroke();
    }
    if (this.showCursor) {
      ctx.strokeStyle = '#1a73e8';
      ctx.lineWidth = 3;
      ctx.strokeRect((this.cursor % 8) * CELL + 1.5, Math.floor(this.cursor / 8) * CELL + 1.5, CELL - 3, CELL - 3);
    }
  }
}
