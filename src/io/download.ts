import { ArgumentError } from '../core/errors.js';

/** The file name of a downloads:// target: the name, with '.nabla' added unless it ends so. */
export function downloadName(name: string): string {
  return /\.nabla$/i.test(name) ? name : `${name}.nabla`;
}

/**
 * @internal Offers `bytes` to the user as a download named `file`: a Blob,
 * an object URL and a hidden anchor with the download attribute, clicked
 * (the browser saves it to its downloads folder or asks where). The URL is
 * revoked 40 s later, when the browser has long read it. Browser only.
 */
export function downloadBytes(op: string, file: string, bytes: Uint8Array): void {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc?.createElement || typeof URL.createObjectURL !== 'function') {
    throw new ArgumentError(`${op}: downloads:// needs a browser page (a document); in Node save to a file path, anywhere else to bytes (nb.io.encodeModel)`);
  }
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = file;
  a.style.display = 'none';
  (doc.body ?? doc.documentElement).appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 40_000);
}
