// Writes app/core/package.json: the "core" description @jupyterlab/builder's build-labextension
// needs to build a prebuilt (federated) extension. JupyterLab's own one ships only inside the
// Python package; this one lists what the extension shares with the host application at
// runtime — the installed versions of its runtime imports, as singletons the host provides.
const fs = require('node:fs');
const path = require('node:path');

const ext = path.join(__dirname, '..');
const shared = ['@lumino/widgets', '@lumino/messaging', '@jupyterlab/rendermime-interfaces'];
const dependencies = {};
for (const name of shared) {
  const pkg = require(path.join(ext, 'node_modules', name, 'package.json'));
  dependencies[name] = `^${pkg.version}`;
}
const core = {
  name: '@cbram-lab/jupyterlab-core-meta',
  private: true,
  version: require(path.join(ext, 'node_modules', '@jupyterlab', 'application', 'package.json'))
    .version,
  dependencies,
  resolutions: {},
  jupyterlab: { singletonPackages: shared },
};
fs.mkdirSync(path.join(__dirname, 'core'), { recursive: true });
fs.writeFileSync(
  path.join(__dirname, 'core', 'package.json'),
  `${JSON.stringify(core, null, 2)}\n`,
);
