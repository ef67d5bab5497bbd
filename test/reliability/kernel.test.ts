/**
 * A kernel that survives its cells (issue 10): hostile cells against the real kernel process over
 * ZeroMQ. Each case asserts that the cell ends with a visible `error` output whose message says
 * what happened, and that the next cell (`1 + 1`) still answers 2. The out-of-memory case runs its
 * own kernel with a 128 MB heap (CBRAM_KERNEL_HEAP_MB), so it dies in about a second, and checks
 * the supervisor's "kernel died: out of memory" answer and a restart on the same connection.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchKernel, type Execution, type LaunchedKernel } from '../../kernel/client';
import type { Message } from '../../kernel/protocol/messages';
import { makeProject } from '../kernel/helpers';

let k: LaunchedKernel;
let project: ReturnType<typeof makeProject>;

before(async () => {
  project = makeProject();
  k = await launchKernel({ cwd: project.dir });
});

after(async () => {
  await k?.stop();
  project?.remove();
});

const types = (ms: Message[]) => ms.map((m) => m.header.msg_type);

/** The cell failed with exactly one visible error output, which the reply repeats. */
function failedVisibly(e: Execution, ename: string | RegExp, evalue: RegExp): void {
  assert.equal(e.reply.content.status, 'error', JSON.stringify(e.reply.content));
  const errors = e.outputs.filter((m) => m.header.msg_type === 'error');
  assert.equal(errors.length, 1, `one error output, got ${types(e.outputs).join(', ')}`);
  const err = errors[0]!.content;
  if (typeof ename === 'string') assert.equal(err.ename, ename);
  else assert.match(String(err.ename), ename);
  assert.match(String(err.evalue), evalue);
  assert.ok(Array.isArray(err.traceback) && (err.traceback as unknown[]).length > 0);
  assert.equal(e.reply.content.ename, err.ename);
  assert.equal(e.reply.content.evalue, err.evalue);
  assert.equal(
    e.outputs.some((m) => m.header.msg_type === 'execute_result'),
    false,
    'no result beside the error',
  );
}

/** The kernel still runs cells: `1 + 1` answers 2. */
async function stillAnswers(kernel: LaunchedKernel = k): Promise<void> {
  const e = await kernel.client.execute('1 + 1');
  assert.equal(e.reply.content.status, 'ok', JSON.stringify(e.outputs.map((m) => m.content)));
  const r = e.outputs.find((m) => m.header.msg_type === 'execute_result');
  assert.equal((r?.content.data as Record<string, unknown>)['text/plain'], '2');
}

test('process.exit, process.reallyExit and process.abort end the cell with an error, not the kernel', async () => {
  const exit = await k.client.execute('const before = 41;\nprocess.exit(1)');
  failedVisibly(exit, 'CbramError', /^process\.exit is disabled inside a cell: .*exit code was 1/);
  for (const call of ['(process as any).reallyExit(3)', 'process.abort()']) {
    const e = await k.client.execute(call);
    failedVisibly(e, 'CbramError', /^process\.(reallyExit|abort) is disabled inside a cell/);
  }
  // A library deep in a call stack is stopped the same way; names defined before stay.
  const nested = await k.client.execute(
    'function quit(): never { return process.exit(2); }\n[1].forEach(() => quit())',
  );
  failedVisibly(nested, 'CbramError', /process\.exit is disabled inside a cell/);
  const e = await k.client.execute('before + 1');
  const r = e.outputs.find((m) => m.header.msg_type === 'execute_result');
  assert.equal((r?.content.data as Record<string, unknown>)['text/plain'], '42');
});

test('a value whose display bundle is cyclic or holds a BigInt ends with a clear error output', async () => {
  const cyclic = await k.client.execute(
    'const loop: any = { n: 1 };\nloop.self = loop;\n' +
      "({ [Symbol.for('cbram.display')]: () => ({ 'application/json': loop, 'text/plain': 'loop' }) })",
  );
  failedVisibly(cyclic, 'CbramError', /not JSON-safe \(Converting circular structure to JSON/);
  const big = await k.client.execute(
    "({ [Symbol.for('cbram.display')]: () => ({ 'application/vnd.x+json': { n: 10n } }) })",
  );
  failedVisibly(big, 'CbramError', /not JSON-safe .*BigInt/);
  // display() of such a bundle fails inside the cell, where it was called.
  const shown = await k.client.execute(
    "import { display } from 'cbram-lab/kernel';\ndisplay.bundle({ 'application/json': loop })",
  );
  failedVisibly(shown, 'CbramError', /^display_data: .*not JSON-safe/);
  await stillAnswers();
});

test('Proxy values, throwing getters, toString and Symbol.toPrimitive: an error output names the failure', async () => {
  const proxy = await k.client.execute(
    "new Proxy({}, { get() { throw new Error('trap says no'); } })",
  );
  failedVisibly(proxy, 'DisplayError', /^the cell's value could not be shown: Error: trap says no/);
  const display = await k.client.execute(
    "({ [Symbol.for('cbram.display')]() { throw new TypeError('display method broke'); } })",
  );
  failedVisibly(display, 'DisplayError', /could not be shown: TypeError: display method broke/);
  // Thrown values that resist description still give an error output: the error their trap or
  // getter throws while being examined, or a description that says it cannot be described.
  const hostileThrows: [string, string | RegExp, RegExp][] = [
    [
      "throw new Proxy(new Error('x'), { getPrototypeOf() { throw new Error('no proto'); } })",
      /^(Error|Uncaught)$/,
      /no proto/,
    ],
    [
      "const e = new Error('m');\nObject.defineProperty(e, 'message', { get() { throw new Error('getter'); } });\nthrow e",
      /^(Error|Uncaught)$/,
      /getter/,
    ],
    [
      "throw { toString() { throw new Error('toString'); }, [Symbol.toPrimitive]() { throw new Error('prim'); } }",
      'Uncaught',
      /toString: \[Function: toString\]/,
    ],
    [
      "throw { [Symbol.for('nodejs.util.inspect.custom')]() { throw new Error('inspect'); } }",
      'Uncaught',
      /^the cell threw a value that cannot be described \(inspect\)/,
    ],
  ];
  for (const [code, ename, evalue] of hostileThrows) {
    const e = await k.client.execute(code);
    failedVisibly(e, ename, evalue);
  }
  await stillAnswers();
});

test('a cell that replaces JSON.stringify or JSON.parse does not wedge the kernel', async () => {
  const broken = await k.client.execute(
    "JSON.stringify = () => { throw 1; };\nJSON.parse = () => '{';\n'replaced'",
  );
  assert.equal(broken.reply.content.status, 'ok');
  const note = broken.outputs.find((m) => m.header.msg_type === 'stream');
  assert.match(String(note?.content.text), /this cell replaced JSON\.parse, JSON\.stringify/);
  await stillAnswers();
  // The cell's own code sees its replacement; the kernel's wire, compiler and renderer do not.
  const sees = await k.client.execute(
    "let threw = 0;\ntry { JSON.stringify({}); } catch (e) { threw = e as number; }\n[threw, JSON.parse('1')]",
  );
  const r = sees.outputs.find((m) => m.header.msg_type === 'execute_result');
  assert.equal((r?.content.data as Record<string, unknown>)['text/plain'], "[ 1, '{' ]");
  await k.client.execute("JSON.stringify = () => '{';");
  await stillAnswers();
});

test('a cell that breaks Object, Array, String, Function and Buffer methods does not wedge the kernel', async () => {
  const e = await k.client.execute(
    [
      'const saved = { keys: Object.keys, map: Array.prototype.map, push: Array.prototype.push };',
      'Object.keys = null as any; Object.entries = null as any;',
      'Array.prototype.map = null as any; Array.prototype.push = null as any; Array.prototype.shift = null as any;',
      'String.prototype.endsWith = null as any; String.prototype.replace = null as any;',
      'Function.prototype.call = null as any; (Buffer as any).from = null; (Buffer.prototype as any).toString = null;',
      'delete (globalThis as any).JSON;',
      "'done'",
    ].join('\n'),
  );
  assert.equal(e.reply.content.status, 'ok', JSON.stringify(e.outputs.map((m) => m.content)));
  await stillAnswers();
  const err = await k.client.execute("throw new RangeError('still formatted')");
  failedVisibly(err, 'RangeError', /^still formatted$/);
});

test('a RangeError from an impossible allocation is an ordinary error output', async () => {
  const e = await k.client.execute('const huge = new Array(2 ** 32);');
  failedVisibly(e, 'RangeError', /Invalid array length/);
  const typed = await k.client.execute('new Float64Array(2 ** 53)');
  failedVisibly(typed, 'RangeError', /Invalid typed array length|Array buffer allocation failed/);
  await stillAnswers();
});

test('a cell that exhausts the heap: "kernel died: out of memory" for the cell, then a restart works', async () => {
  const small = await launchKernel({
    cwd: project.dir,
    env: { ...process.env, CBRAM_KERNEL_HEAP_MB: '128' },
  });
  try {
    await stillAnswers(small);
    const e = await small.client.execute(
      'const hoard: number[][] = [];\nwhile (true) hoard.push(new Array(10000).fill(1));',
    );
    failedVisibly(e, 'KernelDied', /^kernel died: out of memory: .*limit of 128 MB/);
    const tb = (
      e.outputs.find((m) => m.header.msg_type === 'error')!.content.traceback as string[]
    ).join('\n');
    assert.match(tb, /every variable is lost/);
    assert.match(tb, /CBRAM_KERNEL_HEAP_MB \(now 128\)/);
    assert.deepEqual(await small.exited(), { code: 1, signal: null });
    assert.match(small.stderr(), /the kernel process died \(out of memory/);
    // Jupyter's restarter starts the kernel again on the same connection: the client reconnects.
    await small.restart();
    await stillAnswers(small);
    const gone = await small.client.execute('typeof hoard');
    failedVisibly(gone, 'CompileError', /Cannot find name 'hoard'/);
  } finally {
    await small.stop();
  }
});
