// The run folder of `nabla train`: checked and emptied of the previous run's
// files before training starts, written file by file atomically (a temporary
// file beside the target, fsync, rename), so a signal or a crash never leaves
// a truncated JSON or SVG, and never old files beside new ones.
import * as nb from '../index.js';
import { CliError } from './errors.js';

type FsSync = typeof import('node:fs');
/** node:fs, reached without a static import (the CLI's modules stay out of a browser bundle's graph). */
export const fsSync = () => (process as unknown as { getBuiltinModule(n: string): FsSync }).getBuiltinModule('node:fs');
const fs = fsSync;

/** The files a run may write, besides one chart per logged metric (loss.svg, accuracy.svg, ...). */
export const RUN_FILES = [
  'model.nabla',
  'model-best.nabla',
  'history.json',
  'report.json',
  'report.html',
  'confusion.svg',
  'weights.svg',
  'scaler.json',
  'landscape.svg',
  'landscape-3d.svg',
  'landscape.json',
  'sharpness.svg',
];

function reason(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOTDIR':
      return 'part of the path is a file, not a folder';
    case 'EEXIST':
      return 'it exists and is not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return (e as Error).message;
  }
}

/**
 * Writes `text` to `path` atomically (nb.io.writeFileAtomicSync: a temporary
 * file beside it, flushed to disk, renamed over it). Readers see the old file
 * or the new one, never a part of it; a failure leaves no temporary file.
 */
export function writeFileAtomic(path: string, text: string): void {
  try {
    nb.io.writeFileAtomicSync(path, text);
  } catch (e) {
    throw new CliError(`cannot write ${path}: ${reason((e as Error).cause ?? e)}`);
  }
}

let saving = 0;
let afterSaves: (() => void) | null = null;

/** model.save, counted: an exit requested meanwhile waits until the file is whole (see exitAfterSaves). */
export async function saveModelFile(model: { save(path: string): Promise<void> }, path: string): Promise<void> {
  saving++;
  try {
    await model.save(path);
  } finally {
    saving--;
    if (saving === 0 && afterSaves) afterSaves();
  }
}

/** Runs `exit` now, or as soon as the model saves in progress have finished. */
export function exitAfterSaves(exit: () => void): void {
  if (saving === 0) exit();
  else afterSaves = exit;
}

/**
 * Makes `dir` ready for a run before anything else happens: creates it (and
 * its parents) and checks that a file can be written in it. A path that
 * cannot be a run folder is one clear CliError.
 */
export function checkRunFolder(dir: string): void {
  const f = fs();
  let stat: import('node:fs').Stats | undefined;
  try {
    stat = f.statSync(dir);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw new CliError(`--out ${dir}: cannot use it as the run folder: ${reason(e)}`);
  }
  if (stat && !stat.isDirectory()) throw new CliError(`--out ${dir}: it exists and is not a folder`);
  try {
    f.mkdirSync(dir, { recursive: true });
    const probe = `${dir}/.nabla-write-test-${process.pid}`;
    f.writeFileSync(probe, '');
    f.rmSync(probe);
  } catch (e) {
    throw new CliError(`--out ${dir}: cannot create the run folder or write in it: ${reason(e)}`);
  }
}

/**
 * Removes the files a previous run wrote in `dir` (the RUN_FILES, the files
 * its report.json lists, the charts of its history, leftover temporary files
 * of ours), so the new run's files never sit beside old ones; other files
 * are left alone.
 */
export function clearPreviousRun(dir: string): void {
  const f = fs();
  const owned = new Set(RUN_FILES);
  try {
    const old = JSON.parse(f.readFileSync(`${dir}/report.json`, 'utf8')) as { files?: unknown };
    if (Array.isArray(old.files)) for (const name of old.files) if (typeof name === 'string' && /^[\w.-]+\.(svg|json|nabla|html)$/.test(name)) owned.add(name);
  } catch {
    /* no previous report, or not one of ours */
  }
  try {
    const h = JSON.parse(f.readFileSync(`${dir}/history.json`, 'utf8')) as { history?: Record<string, unknown> };
    for (const key of Object.keys(h.history ?? {})) if (/^[\w]+$/.test(key)) owned.add(`${key.replace(/^val_/, '')}.svg`);
  } catch {
    /* no previous history */
  }
  for (const name of f.readdirSync(dir)) {
    const base = nb.io.atomicTempTarget(name);
    if (owned.has(name) || (base !== null && owned.has(base))) {
      try {
        f.rmSync(`${dir}/${name}`, { force: true });
      } catch (e) {
        throw new CliError(`--out ${dir}: cannot remove ${name} of the previous run: ${reason(e)}`);
      }
    }
  }
}
