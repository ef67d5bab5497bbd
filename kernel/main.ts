#!/usr/bin/env node
/**
 * The kernel process, as a kernelspec starts it: `node dist/kernel/main.js <connection-file>`
 * (`-f <connection-file>` also works). The working directory is the notebook's, and cells
 * resolve imports from it.
 */
import { startKernel } from './kernel';
import { readConnectionFile } from './protocol/connection';
import { kernelLog } from './streams';

/** Run a kernel until it is shut down; the exit code. */
export async function main(argv: string[]): Promise<number> {
  const i = argv.indexOf('-f');
  const file = i >= 0 ? argv[i + 1] : argv.find((a) => !a.startsWith('-'));
  if (!file) {
    kernelLog('usage: node dist/kernel/main.js <connection-file>');
    return 2;
  }
  const kernel = await startKernel({ connection: readConnectionFile(file) });
  await kernel.stopped;
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      kernelLog(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
