import { ArgumentError, NablaError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { gunzip, isGzip, readTextFile, type ReadLimits } from './node.js';
import { asBytes, gunzipAsync, textOf, type Bytes } from './bytes.js';

/**
 * Options of {@link parseCsv}, {@link parseCsvAsync} and {@link loadCsv}. The
 * read limits (see {@link ReadLimits}) bound bytes and files: the inflated
 * size of gzipped data and the longest line.
 */
export interface CsvOptions extends ReadLimits {
  /**
   * The column holding the targets, removed from `x`: a 0-based index
   * (negative counts from the end), a header name, or 'last' (always the
   * final column). null or absent: every column is a feature.
   */
  labelColumn?: number | string | 'last' | null;
  /**
   * Whether the first non-blank line names the columns. 'auto' (the default)
   * treats it as a header when any of its cells is not a number.
   */
  header?: boolean | 'auto';
  /** The cell separator, one character; default ','. Use '\t' for TSV. */
  delimiter?: string;
  /**
   * Whether NaN/nan and ±inf cells are accepted (the default, true; a
   * number beyond float32's range then becomes ±Infinity). false: such a
   * cell is an error naming its line and column (index and header name):
   * `line 7, column 3 (petal_width): "nan" is not a finite number`.
   */
  allowNonFinite?: boolean;
  /**
   * Keep the label column as text: its cells need not be numbers and are
   * returned, trimmed, in `labelText` (and as numbers in y/labels when they
   * all are). Default false: label cells must be numbers like every other.
   */
  textLabels?: boolean;
}

/** A numeric table, as {@link parseCsv} and {@link loadCsv} return it. */
export interface CsvData {
  /** [n, features] float32: every column but the label column, one row per data line. */
  x: Tensor;
  /** [n] int32 class labels: the label column, when one is given and all its values are integers. */
  labels?: Tensor;
  /** [n] float32: the raw label column (also for non-integer targets), when one is given. */
  y?: Tensor;
  /** The header names of x's columns, in order, when the text has a header. */
  columns?: string[];
  /** The header name of the label column, when the text has a header and a label column is given. */
  labelName?: string;
  /** The label column's cells as text (trimmed), with the textLabels option. */
  labelText?: string[];
  /** The 1-based line number of each data row (counting the header and blank lines), for messages. */
  lineNumbers?: Int32Array;
}

/** A growable typed buffer. */
class Grow<T extends Float32Array | Float64Array> {
  length = 0;
  constructor(public data: T) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(Math.max(16, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

const NAN_RE = /^[+-]?nan$/i;
const INF_RE = /^([+-]?)inf(inity)?$/i;

/** A cell's number, or undefined when it is not one. Accepts what Number() accepts except blanks, plus NaN/nan and inf. */
function toNumber(cell: string): number | undefined {
  const s = cell.trim();
  if (s === '') return undefined;
  const v = Number(s);
  if (!Number.isNaN(v)) return v;
  if (NAN_RE.test(s)) return NaN;
  const inf = INF_RE.exec(s);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return undefined;
}

/** Splits one line into cells; double quotes may surround a cell ("" inside is a literal quote). */
function splitLine(op: string, line: string, delimiter: string, lineNo: number, where: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    while (i < line.length && (line[i] === ' ' || line[i] === '\t') && line[i] !== delimiter) i++;
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new NablaError(`${op}: line ${lineNo} has an unterminated quoted cell${where}`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += line[i++];
      }
      const next = line.indexOf(delimiter, i);
      const rest = next < 0 ? line.slice(i) : line.slice(i, next);
      if (rest.trim() !== '') throw new NablaError(`${op}: line ${lineNo}, column ${cells.length + 1}: unexpected text after a quoted cell${where}`);
      cells.push(cell);
      if (next < 0) return cells;
      i = next + delimiter.length;
    } else {
      const next = line.indexOf(delimiter, i);
      cells.push(next < 0 ? line.slice(i) : line.slice(i, next));
      if (next < 0) return cells;
      i = next + delimiter.length;
    }
  }
}

/** @internal The parser behind parseCsv and loadCsv; `op` and `path` (the file, if any) shape the error messages. */
export function parseCsvAs(op: string, text: string, opts: CsvOptions, path?: string): CsvData {
  const where = path === undefined ? '' : ` (${path})`;
  const subject = path ?? 'the text';
  const delimiter = opts.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new ArgumentError(`${op}: delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`);
  }
  const headerOpt = opts.header ?? 'auto';
  if (headerOpt !== true && headerOpt !== false && headerOpt !== 'auto') {
    throw new ArgumentError(`${op}: header must be true, false or 'auto', got ${JSON.stringify(headerOpt)}`);
  }
  if (typeof text !== 'string') throw new ArgumentError(`${op}: expected the CSV text as a string, got ${typeof text}`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\n|\r/);

  let first = 0;
  while (first < lines.length && lines[first]!.trim() === '') first++;
  if (first === lines.length) throw new NablaError(`${op}: ${subject} is empty`);

  const firstCells = splitLine(op, lines[first]!, delimiter, first + 1, where);
  const ncols = firstCells.length;
  // with text labels in a column known by position, that column's cell says nothing about a header
  const lcAt =
    opts.labelColumn === 'last' ? ncols - 1 : typeof opts.labelColumn === 'number' ? (opts.labelColumn < 0 ? ncols + opts.labelColumn : opts.labelColumn) : -1;
  const textAt = opts.textLabels === true ? lcAt : -1;
  const hasHeader = headerOpt === 'auto' ? firstCells.some((c, i) => i !== textAt && toNumber(c) === undefined) : headerOpt;
  const names = hasHeader ? firstCells.map((c) => c.trim()) : undefined;

  // Resolve the label column.
  const lc = opts.labelColumn;
  let label = -1;
  if (lc !== undefined && lc !== null) {
    if (lc === 'last') label = ncols - 1;
    else if (typeof lc === 'number') {
      if (!Number.isInteger(lc) || lc < -ncols || lc >= ncols) {
        throw new ArgumentError(`${op}: labelColumn ${lc} is out of range for ${ncols} columns (0-based; negative counts from the end)`);
      }
      label = lc < 0 ? ncols + lc : lc;
    } else if (typeof lc === 'string') {
      if (!names) throw new ArgumentError(`${op}: labelColumn ${JSON.stringify(lc)} is a column name, but ${subject} has no header row`);
      label = names.indexOf(lc);
      if (label < 0) throw new ArgumentError(`${op}: no column named ${JSON.stringify(lc)}; the columns are ${names.map((n) => JSON.stringify(n)).join(', ')}`);
    } else {
      throw new ArgumentError(`${op}: labelColumn must be a column index, a column name, 'last' or null, got ${JSON.stringify(lc)}`);
    }
  }

  const nFeatures = label >= 0 ? ncols - 1 : ncols;
  const x = new Grow(new Float32Array(0));
  const y = new Grow(new Float64Array(0));
  const lineNumbers = new Grow(new Float64Array(0));
  const allowNonFinite = opts.allowNonFinite ?? true;
  const textLabels = opts.textLabels === true && label >= 0;
  const labelText: string[] = [];
  let numericLabels = true;
  let rows = 0;
  for (let li = hasHeader ? first + 1 : first; li < lines.length; li++) {
    const line = lines[li]!;
    if (line.trim() === '') continue;
    const lineNo = li + 1;
    const cells = li === first ? firstCells : splitLine(op, line, delimiter, lineNo, where);
    if (cells.length !== ncols) {
      throw new NablaError(`${op}: line ${lineNo} has ${cells.length} values, expected ${ncols}${where}`);
    }
    for (let c = 0; c < ncols; c++) {
      const v = toNumber(cells[c]!);
      const column = () => `line ${lineNo}, column ${c + 1}${names ? ` (${names[c]})` : ''}`;
      if (c === label && textLabels) {
        labelText.push(cells[c]!.trim());
        if (v === undefined) numericLabels = false;
      } else if (v === undefined) {
        throw new NablaError(`${op}: line ${lineNo}, column ${c + 1}: ${JSON.stringify(cells[c]!.trim())} is not a number${where}`);
      }
      if (v !== undefined && !allowNonFinite && !Number.isFinite(Math.fround(v))) {
        const what = Number.isFinite(v) ? "is beyond float32's range (±3.4e38)" : 'is not a finite number';
        throw new NablaError(`${op}: ${column()}: ${JSON.stringify(cells[c]!.trim())} ${what}${where}`);
      }
      if (c === label) y.push(v ?? NaN);
      else x.push(v!);
    }
    lineNumbers.push(lineNo);
    rows++;
  }
  if (rows === 0) throw new NablaError(`${op}: ${subject} has a header but no data rows`);

  const out: CsvData = { x: new Tensor(x.done(), [rows, nFeatures]) };
  out.lineNumbers = Int32Array.from(lineNumbers.done());
  if (textLabels) out.labelText = labelText;
  if (label >= 0 && numericLabels) {
    const raw = y.done();
    out.y = new Tensor(Float32Array.from(raw), [rows]);
    if (raw.every((v) => Number.isInteger(v) && Math.abs(v) <= 0x7fffffff)) out.labels = new Tensor(Int32Array.from(raw), [rows]);
  }
  if (names) {
    out.columns = names.filter((_, c) => c !== label);
    if (label >= 0) out.labelName = names[label]!;
  }
  return out;
}

/**
 * Parses numeric CSV into { x [n, features] float32, labels [n] int32,
 * y [n] float32, columns }. `data` is the text, or the bytes of a file
 * (UTF-8; gzipped data, detected by its 1f 8b magic, is decompressed: here
 * synchronously, which needs Node; in a page use {@link parseCsvAsync}).
 * One row per non-blank line; cells may be quoted;
 * every data cell must be a number (NaN/nan and inf are accepted). With a
 * `labelColumn`, that column becomes `y` (and `labels` when all its values
 * are integers) and the rest `x`. Errors name the 1-based line (counting the
 * header and blank lines) and column: `parseCsv: line 7 has 5 values,
 * expected 65`, `parseCsv: line 12, column 3: "abc" is not a number`.
 */
export function parseCsv(data: string | Bytes, opts: CsvOptions = {}): CsvData {
  if (typeof data === 'string') return parseCsvAs('parseCsv', data, opts);
  let bytes = asBytes('parseCsv', 'data', data);
  if (isGzip(bytes)) bytes = gunzip('parseCsv', bytes, 'the data', opts);
  return parseCsvAs('parseCsv', textOf('parseCsv', bytes, 'the data', opts), opts);
}

/**
 * {@link parseCsv} in any environment, for bytes that may be gzipped: in a
 * page they are decompressed with DecompressionStream (bounded by the read
 * limits, chunk by chunk), in Node with zlib. Text and plain bytes parse as
 * with parseCsv.
 *
 *     const bytes = new Uint8Array(await (await fetch('iris.csv.gz')).arrayBuffer());
 *     const { x, labels } = await nb.data.parseCsvAsync(bytes, { labelColumn: 'species' });
 */
export async function parseCsvAsync(data: string | Bytes, opts: CsvOptions = {}): Promise<CsvData> {
  if (typeof data === 'string') return parseCsvAs('parseCsvAsync', data, opts);
  let bytes = asBytes('parseCsvAsync', 'data', data);
  if (isGzip(bytes)) bytes = await gunzipAsync('parseCsvAsync', bytes, 'the data', opts);
  return parseCsvAs('parseCsvAsync', textOf('parseCsvAsync', bytes, 'the data', opts), opts);
}

/**
 * Reads a numeric CSV file (UTF-8, gzipped or not) and parses it as
 * {@link parseCsv} does: { x [n, features] float32, labels? [n] int32,
 * y? [n] float32, columns? }. Errors name the line and the file
 * (`loadCsv: line 7 has 5 values, expected 65 (iris.csv)`), and say when the
 * file is missing or empty. Node only; in a page, fetch the bytes and use
 * {@link parseCsvAsync}.
 *
 *     const { x, labels } = nb.data.loadCsv('iris.csv', { labelColumn: 'species' });
 */
export function loadCsv(path: string, opts: CsvOptions = {}): CsvData {
  return parseCsvAs('loadCsv', readTextFile('loadCsv', path, opts), opts, path);
}
