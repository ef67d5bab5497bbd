#!/usr/bin/env node
/**
 * The kernel process, as a kernelspec starts it: `node dist/kernel/main.js <connection-file>`
 * (`-f <connection-file>` also works). The working directory is the notebook's, and cells
 * resolve imports from it.
 *
 * Started that way, it is the supervisor (./supervisor.ts): it runs itself again with
 * `--kernel-child` and a heap limit, and answers the running cell if that child dies. The child
 * runs the kernel.
 */
import { CbramError } from '../src/core/errors';
import { startKernel, type CellEvent } from './kernel';
import { readConnectionFile } from './protocol/connection';
import { kernelLog } from './streams';
import { CHILD_FLAG, supervise, watchSupervisor } from './supervisor';

// The kernel disables process.exit inside cells; the process itself exits through this one.
const exit = process.exit.bind(process);

/** Run a kernel (or, without `--kernel-child`, supervise one) until it ends; the exit code. */
export async function main(argv: string[]): Promise<number> {
  const child = argv.includes(CHILD_FLAG);
  const i = argv.indexOf('-f');
  const file = i >= 0 ? argv[i + 1] : argv.find((a) => !a.startsWith('-'));
  if (!file) {
    kernelLog('usage: node dist/kernel/main.js <connection-file>');
    return 2;
  }
  const connection = readConnectionFile(file);
  if (!child) return supervise({ connection, connectionFile: file, main: __filename });
  const supervised = typeof process.send === 'function';
  const tell = (event: CellEvent): void => {
    try {
      process.send?.(event, undefined, {}, () => undefined);
    } catch {
      // The supervisor is gone; watchSupervisor ends this process.
    }
  };
  const kernel = await startKernel({ connection, onCell: supervised ? tell : undefined });
  if (supervised) watchSupervisor(() => void kernel.shutdown());
  await kernel.stopped;
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => exit(code),
    (e: unknown) => {
      kernelLog(e instanceof CbramError || e instanceof Error ? e.message : String(e));
      exit(1);
    },
  );
}
