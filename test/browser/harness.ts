/* eslint-disable @typescript-eslint/no-explicit-any -- page functions use JupyterLab's runtime objects */
/**
 * The browser tests' and benchmark's harness: a real CBRAM Lab JupyterLab (extension/launch/lab.ts)
 * on a throwaway notebook folder, Debian's Chromium driven by playwright-core with a fresh
 * profile, and helpers that drive notebooks through JupyterLab's own commands.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import {
  ensureAppBuilt,
  missingPythonModules,
  startLab,
  type RunningLab,
} from '../../extension/launch/lab';
import { makeProject } from '../kernel/helpers';

// Page functions run in Chromium: the DOM and JupyterLab's objects, untyped here (no DOM lib in Node's build).
declare const window: any;
declare const document: any;

export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots (test artifacts). */
export const SHOTS = path.resolve(__dirname, '..', '..', '..', 'test-results', 'browser');

/** Why the browser tests cannot run here, or null when they can. */
export function missingPrerequisite(): string | null {
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (Debian package chromium)`;
  const py = missingPythonModules();
  if (py.length)
    return `Python cannot import ${py.join(', ')} (python3-jupyter-server, python3-jupyterlab-server)`;
  return null;
}

/** A notebook cell for a test notebook. */
export function codeCell(source: string): Record<string, unknown> {
  return { cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null };
}

/** Write an .ipynb for the CBRAM Lab kernel. */
export function writeNotebook(dir: string, name: string, cells: string[]): string {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: 'cbram-lab',
        display_name: 'CBRAM Lab (TypeScript)',
        language: 'typescript',
      },
      language_info: { name: 'typescript' },
    },
    cells: cells.map(codeCell),
  };
  fs.writeFileSync(path.join(dir, name), JSON.stringify(nb, null, 1));
  return name;
}

/** A running lab, a browser page on it, and the notebook folder. */
export interface Session {
  lab: RunningLab;
  context: BrowserContext;
  page: Page;
  dir: string;
  close(): Promise<void>;
}

/** Start a lab on a fresh notebook project and open it in Chromium. */
export async function openSession(): Promise<Session> {
  ensureAppBuilt();
  const project = makeProject();
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-lab-state-'));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-chromium-'));
  const lab = await startLab({ notebooks: project.dir, port: 0, stateDir: state });
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(lab.url);
    await page.waitForFunction(() => document.body.dataset.cbramLabReady === 'true', null, {
      timeout: 60_000,
    });
    return {
      lab,
      context,
      page,
      dir: project.dir,
      close: async () => {
        await context!.close();
        await lab.stop();
        project.remove();
        fs.rmSync(state, { recursive: true, force: true });
        fs.rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context?.close();
    await lab.stop();
    throw e;
  }
}

/** Save a screenshot as a test artifact. */
export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Open a notebook and wait until its kernel is idle. */
export async function openNotebook(page: Page, file: string): Promise<void> {
  await page.evaluate(
    (p) =>
      (window as any).jupyterapp.commands.execute('docmanager:open', {
        path: p,
        factory: 'Notebook',
      }),
    file,
  );
  await page.waitForFunction(
    (p) => {
      const w = (window as any).jupyterapp.shell.currentWidget;
      return w?.context?.path === p && w.sessionContext?.session?.kernel?.status === 'idle';
    },
    file,
    { timeout: 60_000 },
  );
}

/** Run cell `index` of the current notebook (returns at once; the cell may still run). */
export async function runCell(page: Page, index: number): Promise<void> {
  await page.evaluate((i) => {
    const app = (window as any).jupyterapp;
    const panel = app.shell.currentWidget;
    panel.content.activeCellIndex = i;
    // Not awaited: the command resolves only when the cell has finished.
    void app.commands.execute('notebook:run-cell');
  }, index);
}

/** Run cell `index` and wait until it has finished (its execution count is set, kernel idle). */
export async function runCellToEnd(page: Page, index: number, timeout = 120_000): Promise<void> {
  await page.evaluate((i) => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    panel.content.widgets[i].model.sharedModel.execution_count = null;
  }, index);
  await runCell(page, index);
  await waitCellDone(page, index, timeout);
}

/** Wait until cell `index` has an execution count and the kernel is idle. */
export async function waitCellDone(page: Page, index: number, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    (i) => {
      const panel = (window as any).jupyterapp.shell.currentWidget;
      const cell = panel.content.widgets[i];
      return (
        cell.model.executionCount !== null && panel.sessionContext.session.kernel.status === 'idle'
      );
    },
    index,
    { timeout },
  );
}

/** Text of cell `index`'s outputs (stream and text/plain). */
export async function cellText(page: Page, index: number): Promise<string> {
  return page.evaluate((i) => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    return panel.content.widgets[i].outputArea.node.innerText as string;
  }, index);
}
