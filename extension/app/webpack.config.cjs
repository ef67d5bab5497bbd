// Bundles the JupyterLab front end of `npm start` (app/index.ts) into app/build.
const path = require('node:path');
const webpack = require('webpack');
const { Build } = require('@jupyterlab/builder');
const svgDataUri = require('mini-svg-data-uri');

const here = __dirname;
const build = path.join(here, 'build');

// JupyterLab packages whose schemas, themes and styles the app needs (copied into build/).
const labPackages = [
  'application-extension',
  'apputils-extension',
  'codemirror-extension',
  'completer-extension',
  'console-extension',
  'docmanager-extension',
  'documentsearch-extension',
  'filebrowser-extension',
  'fileeditor-extension',
  'json-extension',
  'launcher-extension',
  'mainmenu-extension',
  'markdownviewer-extension',
  'markedparser-extension',
  'mathjax-extension',
  'metadataform-extension',
  'notebook-extension',
  'rendermime-extension',
  'running-extension',
  'settingeditor-extension',
  'shortcuts-extension',
  'statusbar-extension',
  'theme-dark-extension',
  'theme-light-extension',
  'toc-extension',
  'tooltip-extension',
  'translation-extension',
  'ui-components-extension',
].map((name) => `@jupyterlab/${name}`);

const assets = Build.ensureAssets({ packageNames: labPackages, output: build });

module.exports = [
  {
    entry: path.join(here, 'index.ts'),
    output: { path: build, filename: 'bundle.js', clean: false },
    context: path.join(here, '..'),
    mode: 'development',
    devtool: false,
    bail: true,
    resolve: { extensions: ['.ts', '.js'] },
    module: {
      rules: [
        {
          test: /\.ts$/,
          loader: 'ts-loader',
          options: { transpileOnly: true, configFile: path.join(here, '..', 'tsconfig.json') },
        },
        // Some ESM packages (@jupyter/web-components…) import without file extensions.
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        { test: /\.html$/, type: 'asset/resource' },
        { test: /\.md$/, type: 'asset/source' },
        { test: /\.(jpg|png|gif)$/, type: 'asset/resource' },
        { test: /\.js\.map$/, type: 'asset/resource' },
        { test: /\.(woff2?|ttf)(\?v=\d+\.\d+\.\d+)?$/, type: 'asset' },
        { test: /\.eot(\?v=\d+\.\d+\.\d+)?$/, type: 'asset/resource' },
        {
          test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
          issuer: /\.css$/,
          type: 'asset/inline',
          generator: { dataUrl: (content) => svgDataUri(content.toString()) },
        },
        { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.[jt]s$/, type: 'asset/source' },
      ],
    },
    plugins: [new webpack.DefinePlugin({ process: { cwd: () => '/', env: {} } })],
    performance: { hints: false },
  },
].concat(assets);
