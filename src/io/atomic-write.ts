import { NablaError } from '../core/errors.js';
import { nodeBuiltin } from '../core/platform.js';

type Fs = typeof import('node:fs/promises');
type FsSync = typeof import('node:fs');
type Path = typeof import('node:path');

let counter = 0;

/** Node's modules and a fresh temporary name beside `path`: pid, a counter and random digits. */
function prepare<F>(op: string, path: string, fsName: string): { fs: F; paths: Path; dir: string; tmp: string } {
  const fs = nodeBuiltin<F>(fsName),
    paths = nodeBuiltin<Path>('node:path');
  if (!fs || !paths) throw new NablaError(`${op}: writing files needs Node`);
  if (typeof path !== 'string' || path === '') throw new NablaError(`${op}: expected a file path, got ${JSON.stringify(path)}`);
  const dir = paths.dirname(path);
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
  const random = Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
  return { fs, paths, dir, tmp: paths.join(dir, `.${paths.basename(path)}.${pid}-${++counter}-${random}.tmp`) };
}

/**
 * The file a temporary file of writeFileAtomic stands for (its name in the
 * same folder), or null when `name` is not one: `.model.nabla.123-4-9f3a0c1e.tmp`
 * → `model.nabla`. Lets a program clear what an interrupted write left.
 */
export function atomicTempTarget(name: string): string | null {
  const m = /^\.(.+)\.\d+-\d+-[0-9a-f]{8}\.tmp$/.exec(name);
  return m ? m[1]! : null;
}

/**
 * Writes `data` to `path` atomically and durably: into a new
 * temporary file beside it (a name unique to this process and call: pid, a
 * counter and random digits, created exclusively), flushed to disk (fsync),
 * then renamed over `path`, and the folder flushed too where the system allows
 * it. Readers see the old file or the new one whole, never a mix; concurrent
 * writes to one path all complete and the last rename wins; after a failure
 * the previous file is intact and no temporary file is left behind.
 * Throws a NablaError naming `op` and the path. Node only.
 *
 *     await writeFileAtomic('run/report.json', JSON.stringify(report));
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, op = 'writeFileAtomic'): Promise<void> {
  const { fs, dir, tmp } = prepare<Fs>(op, path, 'node:fs/promises');
  let created = false;
  try {
    const handle = await fs.open(tmp, 'wx');
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
    created = false;
  } catch (e) {
    if (created) await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new NablaError(`${op}: could not write ${path}: ${(e as Error).message}`, { cause: e });
  }
  await syncDirectory(fs, dir);
}

/** Flushes a folder's entries (the rename) to disk; some systems (Windows) cannot, which is not an error. */
async function syncDirectory(fs: Fs, dir: string): Promise<void> {
  let handle: Awaited<ReturnType<Fs['open']>> | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // not supported here: the file itself is already flushed
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * writeFileAtomic, synchronously: for the moments an event loop is
 * not available (a process 'exit' handler). The same guarantees.
 */
export function writeFileAtomicSync(path: string, data: Uint8Array | string, op = 'writeFileAtomic'): void {
  const { fs, dir, tmp } = prepare<FsSync>(op, path, 'node:fs');
  let created = false;
  try {
    const fd = fs.openSync(tmp, 'wx');
    created = true;
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path);
    created = false;
  } catch (e) {
    if (created)
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        /* already gone */
      }
    throw new NablaError(`${op}: could not write ${path}: ${(e as Error).message}`, { cause: e });
  }
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // not supported here: the file itself is already flushed
  } finally {
    if (fd !== undefined)
      try {
        fs.closeSync(fd);
      } catch {
        /* closed */
      }
  }
}
