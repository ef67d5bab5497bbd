/**
 * `npm start` (cbram-lab lab) end to end: it prints a tokened URL on 127.0.0.1, the lab page and
 * the CBRAM Lab kernelspec are served, a request without the token is refused, and Ctrl-C stops
 * the server cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { missingPythonModules, ROOT } from '../../extension/launch/lab';

const missing = missingPythonModules();
if (missing.length && process.env.CBRAM_REQUIRE_JUPYTER === '1')
  throw new Error(
    `npm start must be tested here (CBRAM_REQUIRE_JUPYTER=1), but Python lacks ${missing.join(', ')}`,
  );
const skip = missing.length ? `Python lacks ${missing.join(', ')}` : false;

test(
  'npm start: URL with a token, the lab and the kernel served, Ctrl-C stops it',
  { skip },
  async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-start-'));
    const notebooks = path.join(tmp, 'nb');
    fs.mkdirSync(notebooks);
    fs.writeFileSync(
      path.join(notebooks, 'hello.ipynb'),
      '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
    );
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'dist', 'cli', 'main.js'),
        'lab',
        '--port',
        '0',
        '--notebooks',
        notebooks,
        '--state',
        path.join(tmp, 'state'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+\/lab\?token=[0-9a-f]{48}/.exec(out);
          if (m) resolve(m[0]);
        });
        void exited.then((code) =>
          reject(new Error(`npm start exited (${code}) before printing a URL:\n${out}\n${err}`)),
        );
      });
      const base = url.slice(0, url.indexOf('/lab'));
      const token = url.slice(url.indexOf('token=') + 6);
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>CBRAM Lab<\/title>/);
      const specs = (await (await fetch(`${base}/api/kernelspecs?token=${token}`)).json()) as {
        kernelspecs: Record<string, { spec: { display_name: string; language: string } }>;
      };
      assert.equal(specs.kernelspecs['cbram-lab']?.spec.display_name, 'CBRAM Lab (TypeScript)');
      const files = (await (await fetch(`${base}/api/contents?token=${token}`)).json()) as {
        content: { name: string }[];
      };
      assert.deepEqual(
        files.content.map((f) => f.name),
        ['hello.ipynb'],
      );
      assert.equal((await fetch(`${base}/api/contents`)).status, 403);
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.match(out, /Stopping the server/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);
