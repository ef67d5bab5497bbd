/**
 * `cbram-lab lab` (what `npm start` runs): set up and start CBRAM Lab's JupyterLab, print its URL,
 * and stop it on Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { ensureAppBuilt, ensurePythonPackages, startLab } from './lab';

export const LAB_HELP = `cbram-lab lab: start CBRAM Lab's JupyterLab (what npm start runs)

Usage: cbram-lab lab [--port N] [--notebooks DIR] [--state DIR]
       cbram-lab lab --build-only

  --port N         port on 127.0.0.1 (default 8888, or a free one if 8888 is taken)
  --notebooks DIR  folder to open (default: the current folder when cbram-lab is an installed
                   package, as after npm install cbram-lab; notebooks/ in a clone)
  --state DIR      Jupyter state: kernelspec, settings, runtime files (default .cache/lab)
  --build-only     build the front end if its inputs changed, then exit (scripts/setup.sh)

Installs Python's jupyter_server and jupyterlab_server with apt when they are missing (Debian or
Ubuntu, as root; elsewhere it prints the command), registers the CBRAM Lab kernel, and serves
with a token. The npm package ships JupyterLab with the CBRAM Lab extension built; a clone of the
repository builds it once (cached in extension/app/build). Ctrl-C stops the server.
`;

/** Run `cbram-lab lab`; resolves with the exit code when the server stops. */
export async function labCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      notebooks: { type: 'string' },
      state: { type: 'string' },
      'build-only': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(LAB_HELP);
    return 0;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    process.stderr.write(
      `cbram-lab lab: --port must be an integer from 0 to 65535, got "${values.port}"\n`,
    );
    return 2;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    if (values['build-only']) {
      ensureAppBuilt(log);
      return 0;
    }
    ensurePythonPackages(log);
    ensureAppBuilt(log);
  } catch (e) {
    process.stderr.write(`cbram-lab lab: ${(e as Error).message}\n`);
    return 1;
  }
  const lab = await startLab({
    port,
    notebooks: values.notebooks,
    stateDir: values.state,
    onLog: (line) => {
      // The server's own lines are noisy; keep warnings and errors.
      if (/\b(W|E|C) \d|Error|Traceback/.test(line)) log(line);
    },
  });
  process.stdout.write(
    `\nCBRAM Lab is running (notebooks: ${lab.notebooks}).\nOpen:\n\n    ${lab.url}\n\nCtrl-C stops it.\n`,
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      process.stdout.write('\nStopping the server…\n');
      void lab.stop().then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    lab.process.once('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`cbram-lab lab: the server exited (code ${code})\n`);
        resolve(1);
      }
    });
  });
}
