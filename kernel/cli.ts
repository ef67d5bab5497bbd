/**
 * `cbram-lab kernel install | uninstall | list`.
 */
import { parseArgs } from 'node:util';
import {
  DISPLAY_NAME,
  KERNEL_NAME,
  installKernelspec,
  listKernelspecs,
  uninstallKernelspec,
} from './kernelspec';

export const KERNEL_HELP = `cbram-lab kernel: the CBRAM Lab Jupyter kernel (TypeScript)

Usage:
  cbram-lab kernel install [--user | --prefix P] [--name N] [--display-name D]
  cbram-lab kernel uninstall [--prefix P] [--name N]
  cbram-lab kernel list

install    write the kernelspec "${DISPLAY_NAME}" (kernel.json and logos). Default --user:
           $JUPYTER_DATA_DIR, else ~/.local/share/jupyter (Linux). --prefix P writes
           P/share/jupyter/kernels/${KERNEL_NAME} (e.g. a virtualenv's prefix).
uninstall  remove it (the first one Jupyter would use, or the one under --prefix).
list       every kernelspec on the Jupyter path ($JUPYTER_PATH, the data dir, system dirs).

Notebooks import the library by name ('cbram-lab', 'cbram-lab/kernel'): the notebook's folder or
one above it needs node_modules/cbram-lab (npm install cbram-lab). See docs/kernel.md.
`;

/** Run a kernel subcommand; the exit code. */
export function kernelCommand(argv: string[], out = process.stdout, err = process.stderr): number {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help' || sub === '--help' || sub === '-h') {
    out.write(KERNEL_HELP);
    return sub ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      user: { type: 'boolean' },
      prefix: { type: 'string' },
      name: { type: 'string' },
      'display-name': { type: 'string' },
    },
  });
  if (values.user && values.prefix) {
    err.write('cbram-lab kernel: give --user or --prefix, not both\n');
    return 2;
  }
  switch (sub) {
    case 'install': {
      const dir = installKernelspec({
        prefix: values.prefix,
        name: values.name,
        displayName: values['display-name'],
      });
      out.write(`Installed kernelspec ${values.name ?? KERNEL_NAME} in ${dir}\n`);
      return 0;
    }
    case 'uninstall': {
      const dir = uninstallKernelspec({ prefix: values.prefix, name: values.name });
      if (!dir) {
        err.write(`cbram-lab kernel: no kernelspec ${values.name ?? KERNEL_NAME} found\n`);
        return 1;
      }
      out.write(`Removed ${dir}\n`);
      return 0;
    }
    case 'list': {
      const specs = listKernelspecs();
      if (specs.length === 0) out.write('No kernelspecs found on the Jupyter path.\n');
      const w = Math.max(0, ...specs.map((k) => k.name.length));
      for (const k of specs)
        out.write(
          `${k.cbramLab ? '*' : ' '} ${k.name.padEnd(w)}  ${k.dir}  (${k.displayName})${k.shadowed ? ' [shadowed]' : ''}\n`,
        );
      if (specs.some((k) => k.cbramLab)) out.write('* = CBRAM Lab kernel\n');
      return 0;
    }
    default:
      err.write(`cbram-lab kernel: unknown subcommand "${sub}"\n\n${KERNEL_HELP}`);
      return 2;
  }
}
