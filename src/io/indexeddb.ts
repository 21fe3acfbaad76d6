import { ArgumentError } from '../core/errors.js';
import { ModelFileError } from './errors.js';
import { byteSize } from './fetch-bytes.js';

/**
 * Models in the browser's IndexedDB: the database 'nabla' holds two object
 * stores keyed by the model's name, 'models' (the model file's bytes, as an
 * ArrayBuffer) and 'model_info' (its size and the date it was saved, so that
 * listing does not read the weights). Both are written in one transaction.
 */
const DB = 'nabla',
  MODELS = 'models',
  INFO = 'model_info';

/** What {@link listModels} says of a saved model. */
export interface ModelInfo {
  /** The size of the model file, in bytes. */
  byteLength: number;
  /** When it was saved (ISO 8601). */
  dateSaved: string;
}

function factory(op: string, what: string): IDBFactory {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb)
    throw new ArgumentError(
      `${op}: ${what} needs IndexedDB, a browser API this environment lacks; in Node save to a file path, anywhere else to bytes (nb.io.encodeModel)`,
    );
  return idb;
}

const request = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((ok, fail) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });

async function open(op: string, what: string): Promise<IDBDatabase> {
  const r = factory(op, what).open(DB, 1);
  r.onupgradeneeded = () => {
    if (!r.result.objectStoreNames.contains(MODELS)) r.result.createObjectStore(MODELS);
    if (!r.result.objectStoreNames.contains(INFO)) r.result.createObjectStore(INFO);
  };
  try {
    return await request(r);
  } catch (e) {
    throw new ModelFileError(`${op}: cannot open IndexedDB for ${what}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
}

/** Runs `fn` in a transaction over both stores and resolves when the transaction completes (so a write is committed). */
async function transact<T>(op: string, what: string, mode: IDBTransactionMode, fn: (models: IDBObjectStore, info: IDBObjectStore) => Promise<T>): Promise<T> {
  const db = await open(op, what);
  try {
    const tx = db.transaction([MODELS, INFO], mode);
    const done = new Promise<void>((ok, fail) => {
      tx.oncomplete = () => ok();
      tx.onabort = tx.onerror = () => fail(tx.error);
    });
    done.catch(() => undefined); // awaited below, unless fn throws first
    const result = await fn(tx.objectStore(MODELS), tx.objectStore(INFO));
    await done;
    return result;
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    const name = (e as { name?: string })?.name;
    const hint = name === 'QuotaExceededError' ? ' (the browser refused the space: free some, or save elsewhere)' : '';
    throw new ModelFileError(`${op}: IndexedDB failed for ${what}: ${(e as Error)?.message ?? String(e)}${hint}`, { cause: e });
  } finally {
    db.close();
  }
}

/** @internal Stores the bytes of a model file under `name`, replacing any model of that name. */
export async function idbSave(op: string, name: string, bytes: Uint8Array): Promise<void> {
  const what = `indexeddb://${name}`;
  const copy = bytes.slice().buffer;
  const info: ModelInfo = { byteLength: bytes.length, dateSaved: new Date().toISOString() };
  await transact(op, what, 'readwrite', async (models, infos) => {
    models.put(copy, name);
    infos.put(info, name);
  });
}

/** @internal The bytes stored under `name`, checked to be bytes of at most `maxBytes` before they are copied. */
export async function idbLoad(op: string, name: string, maxBytes: number): Promise<Uint8Array> {
  const what = `indexeddb://${name}`;
  const value = await transact(op, what, 'readonly', (models) => request(models.get(name)));
  if (value === undefined) {
    const saved = Object.keys(await listModels()).map((k) => k.slice('indexeddb://'.length));
    throw new ModelFileError(
      `${op}: there is no model ${what}${saved.length ? `; saved models: ${saved.slice(0, 10).join(', ')}${saved.length > 10 ? ', …' : ''}` : ' (nothing saved in this origin)'}`,
    );
  }
  const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : value instanceof Uint8Array ? value : null;
  if (!bytes) throw new ModelFileError(`${op}: ${what} holds ${value === null ? 'null' : typeof value}, not the bytes of a model file`);
  if (bytes.length > maxBytes)
    throw new ModelFileError(`${op}: ${what} is ${byteSize(bytes.length)}, more than the limit of ${byteSize(maxBytes)}; raise it with the maxBytes option`);
  return bytes;
}

/**
 * The models saved in this origin's IndexedDB, by URL: `{ 'indexeddb://my-model':
 * { byteLength, dateSaved } }` (TF.js's tf.io.listModels, for IndexedDB). Browser only.
 */
export async function listModels(): Promise<Record<string, ModelInfo>> {
  const op = 'listModels';
  return transact(op, 'listing the saved models', 'readonly', async (_, infos) => {
    const [keys, values] = await Promise.all([request(infos.getAllKeys()), request(infos.getAll())]);
    const out: Record<string, ModelInfo> = {};
    keys.forEach((k, i) => {
      out[`indexeddb://${String(k)}`] = values[i] as ModelInfo;
    });
    return out;
  });
}

/**
 * Deletes a model saved in IndexedDB: `await nb.io.removeModel('indexeddb://my-model')`.
 * Returns what {@link listModels} said of it; throws a ModelFileError when there is no such model.
 */
export async function removeModel(url: string): Promise<ModelInfo> {
  const op = 'removeModel';
  const m = typeof url === 'string' ? /^indexeddb:\/\/(.+)$/i.exec(url) : null;
  if (!m) throw new ArgumentError(`removeModel: expected 'indexeddb://name', got ${JSON.stringify(url)}`);
  const name = m[1]!;
  return transact(op, url, 'readwrite', async (models, infos) => {
    const info = (await request(infos.get(name))) as ModelInfo | undefined;
    if (info === undefined) throw new ModelFileError(`${op}: there is no model indexeddb://${name}`);
    models.delete(name);
    infos.delete(name);
    return info;
  });
}
