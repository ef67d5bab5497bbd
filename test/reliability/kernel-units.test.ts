/**
 * The pieces behind a kernel that survives its cells, without a kernel process: the heap limit,
 * how a death is described, the process.exit guard and the original built-ins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCbramError } from '../../src/core/errors';
import { replacedBuiltins, withOriginals } from '../../kernel/builtins';
import { guardProcessExit } from '../../kernel/guard';
import { deathError, describeDeath, heapLimitMb } from '../../kernel/supervisor';
import { formatError, CellRegistry } from '../../kernel/traceback';

const GiB = 2 ** 30;

test('heapLimitMb: half the memory, clamped to 256 MB – 16 GB; CBRAM_KERNEL_HEAP_MB overrides and is checked', () => {
  assert.equal(heapLimitMb({}, 8 * GiB), 4096);
  assert.equal(heapLimitMb({}, 0.25 * GiB), 256);
  assert.equal(heapLimitMb({}, 256 * GiB), 16384);
  assert.equal(heapLimitMb({ CBRAM_KERNEL_HEAP_MB: '128' }, 8 * GiB), 128);
  assert.equal(heapLimitMb({ CBRAM_KERNEL_HEAP_MB: '' }, 8 * GiB), 4096);
  for (const bad of ['12', '1.5', 'lots', '-512', '2000000']) {
    assert.throws(
      () => heapLimitMb({ CBRAM_KERNEL_HEAP_MB: bad }, 8 * GiB),
      (e: unknown) =>
        isCbramError(e, 'E_ARG') &&
        e.message ===
          `kernel: CBRAM_KERNEL_HEAP_MB must be an integer number of MB from 64 to 1048576, got "${bad}"`,
    );
  }
});

test("describeDeath: V8's heap report means out of memory; SIGKILL, other signals and exit codes are named", () => {
  const v8 =
    'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n 1: 0xb8 node::Abort()';
  assert.deepEqual(describeDeath(null, 'SIGABRT', v8, 128), {
    oom: true,
    reason: 'out of memory: the JavaScript heap reached its limit of 128 MB',
  });
  assert.match(
    describeDeath(null, 'SIGKILL', '', 128).reason,
    /^killed by SIGKILL \(by the system when memory ran out/,
  );
  assert.equal(describeDeath(null, 'SIGSEGV', 'x', 128).reason, 'ended by signal SIGSEGV');
  assert.equal(describeDeath(3, null, '', 128).reason, 'exited with code 3');
  const e = deathError(describeDeath(null, 'SIGABRT', v8, 128), 128);
  assert.equal(e.ename, 'KernelDied');
  assert.equal(
    e.evalue,
    'kernel died: out of memory: the JavaScript heap reached its limit of 128 MB',
  );
  assert.ok(e.traceback.some((l) => l.includes('CBRAM_KERNEL_HEAP_MB (now 128)')));
  assert.ok(
    !deathError(describeDeath(3, null, '', 128), 128).traceback.some((l) => l.includes('HEAP')),
  );
});

test('guardProcessExit: exit, reallyExit and abort throw a CbramError until restored', () => {
  const proc = process as unknown as Record<string, unknown>;
  const originals = [process.exit, proc.reallyExit, process.abort];
  const restore = guardProcessExit();
  try {
    assert.throws(
      () => process.exit(7),
      (e: unknown) =>
        isCbramError(e, 'E_STATE') &&
        /^process\.exit is disabled inside a cell: .* \(the exit code was 7\)$/.test(e.message),
    );
    assert.throws(
      () => (proc.reallyExit as (c: number) => void)(1),
      /process\.reallyExit is disabled/,
    );
    assert.throws(() => process.abort(), /^CbramError: process\.abort is disabled inside a cell/);
  } finally {
    restore();
  }
  assert.deepEqual([process.exit, proc.reallyExit, process.abort], originals);
});

test('withOriginals: the original built-ins inside, the replacements back outside; replacedBuiltins names them', () => {
  const saved = {
    stringify: JSON.stringify,
    map: Array.prototype.map,
    call: Function.prototype.call,
  };
  try {
    JSON.stringify = () => '{';
    (Array.prototype as { map: unknown }).map = null;
    (Function.prototype as { call: unknown }).call = null;
    assert.deepEqual(replacedBuiltins().sort(), [
      'Array.prototype.map',
      'Function.prototype.call',
      'JSON.stringify',
    ]);
    const inside = withOriginals(() => [
      JSON.stringify({ a: [1, 2].map((x) => x * 2) }),
      typeof Function.prototype.call,
    ]);
    assert.deepEqual(inside, ['{"a":[2,4]}', 'function']);
    assert.equal(JSON.stringify({ a: 1 }), '{');
    assert.equal(Array.prototype.map, null);
    // An exception inside still puts the replacements back.
    assert.throws(
      () =>
        withOriginals(() => {
          throw new Error('inner');
        }),
      /inner/,
    );
    assert.equal(JSON.stringify({}), '{');
  } finally {
    JSON.stringify = saved.stringify;
    Array.prototype.map = saved.map;
    Function.prototype.call = saved.call;
  }
  assert.deepEqual(replacedBuiltins(), []);
});

test('formatError never throws: hostile thrown values get content that says so', () => {
  const cells = new CellRegistry();
  const hostile = new Proxy(new Error('x'), {
    getPrototypeOf() {
      throw new Error('no proto');
    },
  });
  const c = formatError(hostile, cells);
  assert.equal(c.ename, 'Uncaught');
  assert.match(c.evalue, /^the cell threw a value that cannot be described \(no proto\)/);
  const e = new Error('m');
  Object.defineProperty(e, 'stack', {
    get: () => {
      throw new Error('stack getter');
    },
  });
  assert.match(formatError(e, cells).evalue, /cannot be described \(stack getter\)/);
  const odd = new Error('m');
  (odd as { message: unknown }).message = { not: 'a string' };
  assert.equal(formatError(odd, cells).evalue, "{ not: 'a string' }");
});
