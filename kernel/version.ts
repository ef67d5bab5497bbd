/**
 * Versions the kernel reports: its own (the package's), tslab's, and the TypeScript tslab bundles
 * (read from package.json files, without loading TypeScript).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

function versionOf(file: string): string {
  try {
    return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version ?? '');
  } catch {
    return 'unknown';
  }
}

let cache: { kernel: string; tslab: string; typescript: string } | null = null;

/** The kernel's, tslab's and TypeScript's versions. */
export function versions(): { kernel: string; tslab: string; typescript: string } {
  if (cache) return cache;
  const tslabPkg = require.resolve('tslab/package.json');
  const tsPkg = createRequire(tslabPkg).resolve('@tslab/typescript-for-tslab/package.json');
  cache = {
    kernel: versionOf(path.join(__dirname, '..', '..', 'package.json')),
    tslab: versionOf(tslabPkg),
    typescript: versionOf(tsPkg),
  };
  return cache;
}
