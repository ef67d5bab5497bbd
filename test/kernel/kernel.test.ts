/**
 * The kernel process end to end, driven by kernel/client.ts over ZeroMQ. One kernel serves every
 * test in this file (in order); every wait is on a message or event, with a timeout.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { launchKernel, type LaunchedKernel } from '../../kernel/client';
import type { Message } from '../../kernel/protocol/messages';
import { createSigner, encode } from '../../kernel/protocol/wire';
import { CROSSBAR_MIME } from '../../kernel/display/crossbar';
import { LEDGER_MIME } from '../../kernel/display/ledger';
import { TRAINING_MIME, type TrainingSpec } from '../../kernel/display/training';
import { makeProject } from './helpers';

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
const text = (m: Message | undefined) =>
  String((m?.content.data as Record<string, unknown>)?.['text/plain']);
function result(outputs: Message[]): Message | undefined {
  return outputs.find((m) => m.header.msg_type === 'execute_result');
}

test('kernel_info: status, TypeScript language_info with the bundled version, protocol 5.3', async () => {
  const { reply } = await k.client.send('shell', 'kernel_info_request');
  const c = (await reply).content;
  assert.equal(c.status, 'ok');
  assert.equal(c.protocol_version, '5.3');
  assert.equal(c.implementation, 'cbram-lab');
  const li = c.language_info as Record<string, unknown>;
  assert.equal(li.name, 'typescript');
  assert.equal(li.version, '5.0.4');
  assert.equal(li.file_extension, '.ts');
  assert.equal(li.mimetype, 'text/typescript');
  assert.deepEqual(li.codemirror_mode, { name: 'typescript', typescript: true });
  const control = await (await k.client.send('control', 'kernel_info_request')).reply;
  assert.equal(control.content.status, 'ok');
});

test('execute: busy, execute_input with the count, streams, execute_result, reply, idle', async () => {
  const e = await k.client.execute(
    "console.log('out'); console.error('err');\nconst x: number = 6;\nx * 7",
  );
  assert.equal(e.reply.content.status, 'ok');
  const count = e.reply.content.execution_count as number;
  assert.ok(count >= 1);
  const all = k.client.iopubFor(e.msgId);
  assert.equal(all[0]!.content.execution_state, 'busy');
  assert.equal(all[all.length - 1]!.content.execution_state, 'idle');
  assert.deepEqual(types(e.outputs), ['execute_input', 'stream', 'stream', 'execute_result']);
  assert.equal(e.outputs[0]!.content.execution_count, count);
  assert.deepEqual(
    e.outputs.slice(1, 3).map((m) => [m.content.name, m.content.text]),
    [
      ['stdout', 'out\n'],
      ['stderr', 'err\n'],
    ],
  );
  assert.equal(result(e.outputs)!.content.execution_count, count);
  assert.equal(text(result(e.outputs)), '42');
  const next = await k.client.execute('x');
  assert.equal(next.reply.content.execution_count, count + 1);
});

test('shorthand properties that name a variable from an earlier cell work', async () => {
  await k.client.execute('const short1 = 5;\nlet short2 = { n: 2 };');
  const e = await k.client.execute(
    'const { n } = short2;\nlet short3 = 0;\n({ short3 } = { short3: 9 });\nJSON.stringify({ short1, short2, n, short3, m: { short1 } })',
  );
  assert.equal(e.reply.content.status, 'ok', JSON.stringify(e.outputs.map((m) => m.content)));
  assert.equal(
    text(result(e.outputs)),
    `'{"short1":5,"short2":{"n":2},"n":2,"short3":9,"m":{"short1":5}}'`,
  );
});

test('results and displays of library objects carry text/plain, the versioned payload and a PNG fallback', async () => {
  const e = await k.client.execute(
    "import { createCrossbar, createLedger } from 'cbram-lab';\nimport { display } from 'cbram-lab/kernel';\n" +
      "const ledger = createLedger({ label: 'demo' });\nconst xbar = createCrossbar({ rows: 6, cols: 4, seed: 1, ledger });\n" +
      'xbar.pulseColumn(1, new Int8Array(6).fill(2));\ndisplay(ledger);\nxbar',
  );
  assert.equal(e.reply.content.status, 'ok', JSON.stringify(e.reply.content));
  const disp = e.outputs.find((m) => m.header.msg_type === 'display_data')!;
  const d = disp.content.data as Record<string, unknown>;
  assert.deepEqual(Object.keys(d).sort(), [LEDGER_MIME, 'image/png', 'text/plain'].sort());
  assert.ok((disp.content.metadata as Record<string, { width?: number }>)['image/png']?.width);
  const r = result(e.outputs)!.content.data as Record<string, unknown>;
  assert.deepEqual(Object.keys(r).sort(), [CROSSBAR_MIME, 'image/png', 'text/plain'].sort());
  assert.equal((r[CROSSBAR_MIME] as { map: { rows: number } }).map.rows, 6);
  assert.match(String(r['text/plain']), /12 SET/);
  // tslab's own display API still works, and gets a text/plain.
  const t = await k.client.execute(
    "import * as tslab from 'tslab';\ntslab.display.html('<b>bold</b> text')",
  );
  const td = t.outputs.find((m) => m.header.msg_type === 'display_data')!.content.data;
  assert.deepEqual(td, { 'text/html': '<b>bold</b> text', 'text/plain': 'bold text' });
});

test('errors: ename, evalue and a traceback in cell lines; names defined before the error stay', async () => {
  const e = await k.client.execute(
    "const before = 1;\nfunction g(n: number): number {\n  if (n > 2) throw new RangeError('too big: ' + n);\n  return n;\n}\ng(5)",
  );
  const n = e.reply.content.execution_count;
  assert.equal(e.reply.content.status, 'error');
  assert.equal(e.reply.content.ename, 'RangeError');
  assert.deepEqual(types(e.outputs), ['execute_input', 'error']);
  const err = e.outputs[1]!.content;
  assert.equal(err.ename, 'RangeError');
  assert.equal(err.evalue, 'too big: 5');
  const tb = (err.traceback as string[]).join('\n');
  assert.match(tb, new RegExp(`at g \\(Cell In\\[${n}\\]:3:`));
  assert.match(tb, new RegExp(`at Cell In\\[${n}\\]:6:1`));
  assert.match(tb, /> 3 \| {3}if \(n > 2\) throw new RangeError/);
  const again = await k.client.execute('before + g(2)');
  assert.equal(text(result(again.outputs)), '3');
  const compile = await k.client.execute("const s: string = 'a';\nconst t: string = 1;");
  assert.equal(compile.reply.content.ename, 'CompileError');
  assert.match(String(compile.reply.content.evalue), /line 2: Type 'number' is not assignable/);
});

test('an error followed at once by another request: nothing is dropped; stop_on_error is honoured', async () => {
  // A request sent right after the error reply always runs (tslab dropped it for 200 ms).
  const failed = await k.client.execute("throw new Error('first')");
  assert.equal(failed.reply.content.status, 'error');
  const at = await k.client.execute('1 + 1');
  assert.equal(at.reply.content.status, 'ok');
  assert.equal(text(result(at.outputs)), '2');
  // Sent together: with stop_on_error false the second runs.
  const a = await k.client.executeStart("throw new Error('second')", { stopOnError: false });
  const b = await k.client.executeStart('3');
  assert.equal((await a.done).reply.content.status, 'error');
  assert.equal(text(result((await b.done).outputs)), '3');
  // With stop_on_error (the default), executes already queued are answered 'aborted'; other
  // requests are answered normally.
  const c = await k.client.executeStart("throw new Error('third')");
  const d = await k.client.executeStart('4');
  const comp = await k.client.send('shell', 'complete_request', { code: 'Math.ab', cursor_pos: 7 });
  assert.equal((await c.done).reply.content.status, 'error');
  const dd = await d.done;
  assert.equal(dd.reply.content.status, 'aborted');
  assert.deepEqual(types(dd.outputs), []);
  assert.deepEqual((await comp.reply).content.matches, ['abs']);
  const after = await k.client.execute('5');
  assert.equal(text(result(after.outputs)), '5');
});

test('a live display updated 1,000 times arrives throttled (≤ 10/s) with the last state kept', async () => {
  const e = await k.client.execute(
    "import { live } from 'cbram-lab/kernel';\nconst view = live({ i: 0 });\nconst t0 = Date.now();\n" +
      'for (let i = 1; i <= 1000; i++) {\n  view.update({ i });\n  if (i % 10 === 0) await new Promise((r) => setTimeout(r, 10));\n}\nDate.now() - t0',
  );
  assert.equal(e.reply.content.status, 'ok');
  const elapsed = Number(text(result(e.outputs)));
  assert.ok(elapsed >= 1000, `the loop took ${elapsed} ms`);
  const shown = e.outputs.filter((m) => m.header.msg_type === 'display_data');
  const updates = e.outputs.filter((m) => m.header.msg_type === 'update_display_data');
  assert.equal(shown.length, 1);
  const id = (shown[0]!.content.transient as { display_id: string }).display_id;
  assert.ok(
    updates.every((m) => (m.content.transient as { display_id: string }).display_id === id),
  );
  const limit = Math.ceil(elapsed / 100) + 1;
  assert.ok(updates.length <= limit, `${updates.length} updates in ${elapsed} ms (limit ${limit})`);
  assert.ok(updates.length >= 5, `${updates.length} updates`);
  assert.equal(text(updates[updates.length - 1]), '{ i: 1000 }');
  // Sent before the reply: the last state is in place when the cell finishes.
  const iUpdate = e.outputs.indexOf(updates[updates.length - 1]!);
  assert.ok(iUpdate < e.outputs.indexOf(result(e.outputs)!));
});

test('badly signed, unsigned, tampered and replayed messages are rejected and never run', async () => {
  const c = k.client;
  const wrong = c.message('execute_request', {
    code: '(globalThis as any).pwned = 1',
    silent: false,
  });
  await c.sendFrames('shell', encode(wrong, createSigner('not-the-key')));
  await k.waitForStderr(/rejected a shell message: bad signature/);
  const unsigned = encode(
    c.message('execute_request', { code: '(globalThis as any).pwned = 2' }),
    createSigner(''),
  );
  await c.sendFrames('shell', unsigned);
  await k.waitForStderr(/rejected a shell message: missing signature/);
  const good = c.message('execute_request', {
    code: "(globalThis as any).runs = ((globalThis as any).runs ?? 0) + 1; 'once'",
  });
  const frames = encode(good, createSigner(k.connection.key));
  const tampered = frames.slice();
  tampered[tampered.length - 1] = Buffer.from(
    JSON.stringify({ code: '(globalThis as any).pwned = 3' }),
  );
  await c.sendFrames('control', tampered);
  await k.waitForStderr(/rejected a control message: bad signature/);
  const reply = c.request('shell', good);
  await reply;
  await c.sendFrames('shell', frames); // the same signed frames again
  await k.waitForStderr(/rejected a shell message: replayed signature/);
  const check = await c.execute(
    '`${typeof (globalThis as any).pwned} ${(globalThis as any).runs}`',
  );
  assert.equal(text(result(check.outputs)), "'undefined 1'");
});

test(
  'the kernel listens only on the five endpoints of its connection file',
  { skip: process.platform !== 'linux' },
  () => {
    // The supervisor (kernel/supervisor.ts) and the kernel process it runs.
    const supervisor = k.process.pid!;
    const children = fs
      .readFileSync(`/proc/${supervisor}/task/${supervisor}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    assert.equal(children.length, 1, 'the supervisor runs one kernel process');
    const inodes = new Set<string>();
    for (const pid of [supervisor, ...children])
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m) inodes.add(m[1]!);
        } catch {
          // fd closed meanwhile
        }
      }
    const listening: string[] = [];
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      if (!fs.existsSync(file)) continue;
      for (const line of fs.readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f[3] !== '0A' || !inodes.has(f[9]!)) continue; // 0A = LISTEN
        const [ipHex, portHex] = f[1]!.split(':') as [string, string];
        const ip =
          ipHex.length === 8
            ? [3, 2, 1, 0].map((i) => parseInt(ipHex.slice(2 * i, 2 * i + 2), 16)).join('.')
            : `ipv6:${ipHex}`;
        listening.push(`${ip}:${parseInt(portHex, 16)}`);
      }
    }
    const c = k.connection;
    const want = [c.shell_port, c.iopub_port, c.stdin_port, c.control_port, c.hb_port].map(
      (p) => `127.0.0.1:${p}`,
    );
    assert.deepEqual(listening.sort(), want.sort());
  },
);

test('the heartbeat answers while a cell blocks the event loop', async () => {
  const run = await k.client.executeStart(
    "console.log('blocking');\nconst until = Date.now() + 1500;\nwhile (Date.now() < until) {}",
  );
  await k.client.waitForIopub(
    (m) => m.header.msg_type === 'stream' && String(m.content.text).includes('blocking'),
    10_000,
    'the blocking cell to start',
  );
  const ms = await k.client.ping(1000);
  assert.ok(ms < 1000);
  const done = await run.done;
  assert.equal(done.reply.content.status, 'ok');
});

test('SIGINT stops a synchronous loop; interrupt_request stops an await; the kernel stays usable', async () => {
  const spin = await k.client.executeStart(
    "const counter = { spins: 0 };\nwhile (true) if (++counter.spins === 1000) console.log('spinning');",
  );
  await k.client.waitForIopub(
    (m) => m.header.msg_type === 'stream' && String(m.content.text).includes('spinning'),
    10_000,
    'the loop to start',
  );
  k.process.kill('SIGINT');
  const s = await spin.done;
  assert.equal(s.reply.content.status, 'error');
  assert.equal(s.reply.content.ename, 'Interrupted');
  // The interrupted cell's names stay defined, with the values they had.
  assert.equal(text(result((await k.client.execute('counter.spins >= 1000')).outputs)), 'true');
  const wait = await k.client.executeStart('await new Promise((r) => setTimeout(r, 60_000));');
  await k.client.waitForIopub(
    (m) =>
      m.header.msg_type === 'execute_input' &&
      (m.parent_header as { msg_id?: string }).msg_id === wait.msgId,
  );
  const ir = await (await k.client.send('control', 'interrupt_request')).reply;
  assert.equal(ir.content.status, 'ok');
  const w = await wait.done;
  assert.equal(w.reply.content.ename, 'Interrupted');
  assert.equal(text(result((await k.client.execute("'alive'")).outputs)), "'alive'");
});

test('interrupting a long training cell stops it at an image boundary; training again resumes it exactly', async () => {
  const setup = await k.client.execute(
    [
      "import { createTrainer } from 'cbram-lab';",
      "import { trainLive } from 'cbram-lab/kernel';",
      'const n = 400, pixels = 64;',
      'const images = new Uint8Array(n * pixels), labels = new Uint8Array(n);',
      'for (let i = 0; i < n; i++) {',
      '  labels[i] = i % 10;',
      '  for (let p = 0; p < pixels; p++) images[i * pixels + p] = (p * 7 + i) % 10 === labels[i] ? 255 : 0;',
      '}',
      'const data = { n, pixels, images, labels };',
      'const opts = { outputs: 10, epochs: 500, presentation: 0.02, seed: 3 };',
      'const t1 = createTrainer(data, opts), t2 = createTrainer(data, opts);',
      't1.imagesTotal',
    ].join('\n'),
  );
  assert.equal(text(result(setup.outputs)), '200000');
  const run = await k.client.executeStart(
    'const r1 = await trainLive(t1, { progressInterval: 50 });\nr1.status',
  );
  await k.client.waitForIopub(
    (m) =>
      m.header.msg_type === 'update_display_data' &&
      (m.parent_header as { msg_id?: string }).msg_id === run.msgId,
    30_000,
    'the first live training update',
  );
  k.process.kill('SIGINT');
  const stopped = await run.done;
  assert.equal(stopped.reply.content.ename, 'Interrupted');
  const last = stopped.outputs.filter((m) => m.header.msg_type === 'update_display_data').pop()!;
  const spec = (last.content.data as Record<string, unknown>)[TRAINING_MIME] as TrainingSpec;
  assert.equal(spec.status, 'interrupted');
  assert.ok(typeof (last.content.data as Record<string, unknown>)['image/png'] === 'string');
  const note = stopped.outputs.find(
    (m) => m.header.msg_type === 'stream' && m.content.name === 'stderr',
  );
  assert.match(
    String(note?.content.text),
    /trainLive: interrupted after image [\d,]+ of 200,000\. Run the cell again to resume from image [\d,]+/,
  );
  const k0 = Number(text(result((await k.client.execute('t1.imagesDone')).outputs)));
  assert.ok(k0 > 0 && k0 < 200_000, `stopped after ${k0} images`);
  assert.equal(spec.progress.imagesDone, k0);
  const resumed = await k.client.execute(
    'const r2 = await trainLive(t1, { maxImages: 300 });\n`${r2.status} ${t1.imagesDone}`',
  );
  assert.equal(text(result(resumed.outputs)), `'paused ${k0 + 300}'`);
  // The dashboard kept the history from image 0 across the resume (it lives in t1.records).
  const final = resumed.outputs.filter((m) => m.header.msg_type === 'update_display_data').pop()!;
  const h = ((final.content.data as Record<string, unknown>)[TRAINING_MIME] as TrainingSpec)
    .history;
  assert.equal(h.imagesDone[0], 0);
  assert.ok(h.imagesDone.includes(k0), 'the point where it stopped');
  assert.equal(h.imagesDone.at(-1), k0 + 300);
  // The interrupted-and-resumed run equals an uninterrupted one of the same length.
  const same = await k.client.execute(
    'await t2.train({ maxImages: t1.imagesDone });\nconst w1 = t1.synapses.weights(), w2 = t2.synapses.weights();\n' +
      'w1.length > 0 && w1.every((w, j) => w === w2[j]) && t1.ledger.joules() === t2.ledger.joules()',
  );
  assert.equal(text(result(same.outputs)), 'true');
});

/**
 * A cell in the documented one-cell form: make the trainer and train it live. 50 ms presentations
 * make its 400,000 images several seconds of training, so the resumed run spans many updates.
 */
const ONE_CELL =
  "const tc = createTrainer(data, { ...opts, epochs: 1000, presentation: 0.05, rule: 'device' });\nawait trainLive(tc)";

test('the one-cell form: interrupt, run the same cell again, and it resumes; the counters equal an uninterrupted run', async () => {
  const first = await k.client.executeStart(ONE_CELL);
  await k.client.waitForIopub(
    (m) => {
      if (m.header.msg_type !== 'update_display_data') return false;
      if ((m.parent_header as { msg_id?: string }).msg_id !== first.msgId) return false;
      const spec = (m.content.data as Record<string, unknown>)[TRAINING_MIME] as TrainingSpec;
      return spec.progress.imagesDone > 0;
    },
    30_000,
    'a live update with progress',
  );
  k.process.kill('SIGINT');
  const stopped = await first.done;
  assert.equal(stopped.reply.content.ename, 'Interrupted');
  const k0 = Number(text(result((await k.client.execute('tc.imagesDone')).outputs)));
  assert.ok(k0 > 0 && k0 < 400_000, `stopped after ${k0} images`);
  const t0 = performance.now();
  const again = await k.client.execute(ONE_CELL);
  const wall = performance.now() - t0;
  assert.equal(again.reply.content.status, 'ok');
  const out = again.outputs
    .filter((m) => m.header.msg_type === 'stream')
    .map((m) => String(m.content.text))
    .join('');
  assert.match(
    out,
    new RegExp(
      `trainLive: resuming the interrupted run at image ${k0.toLocaleString('en-US')} of 400,000`,
    ),
  );
  // The result is one summary line, not the raw object.
  const line = text(result(again.outputs));
  assert.match(
    line,
    /^trainLive completed: 400,000 of 400,000 images · resumed at [\d,]+ · running accuracy \(train\) [\d.]+ %/,
  );
  assert.ok(!line.includes('\n') && !line.includes('{'), line);
  const updates = again.outputs.filter((m) => m.header.msg_type === 'update_display_data');
  // Any run longer than 2 s shows at least 5 updates (this one is several seconds of training).
  assert.ok(wall > 2000, `the resumed run took ${wall.toFixed(0)} ms`);
  assert.ok(updates.length >= 5, `${updates.length} updates in ${wall.toFixed(0)} ms`);
  const spec = (updates.at(-1)!.content.data as Record<string, unknown>)[
    TRAINING_MIME
  ] as TrainingSpec;
  assert.equal(spec.status, 'completed');
  assert.equal(spec.history.imagesDone[0], 0, 'the history starts at image 0');
  assert.ok(spec.history.imagesDone.includes(k0));
  // Equal, counter for counter, to a run that was never interrupted.
  const same = await k.client.execute(
    [
      "const ref = createTrainer(data, { ...opts, epochs: 1000, presentation: 0.05, rule: 'device' });",
      'await ref.train();',
      'const pa = tc.progress(), pb = ref.progress();',
      "const keys = ['imagesDone', 'setPulses', 'resetPulses', 'energy', 'outputSpikes', 'runningAccuracy'] as const;",
      'const w1 = tc.synapses.weights(), w2 = ref.synapses.weights();',
      "JSON.stringify(keys.filter((k) => pa[k] !== pb[k])) + ' ' + (w1.every((w, j) => w === w2[j]) && JSON.stringify(pa.updates) === JSON.stringify(pb.updates))",
    ].join('\n'),
  );
  assert.equal(text(result(same.outputs)), "'[] true'");
});

test('a changed configuration starts fresh and says which difference made it', async () => {
  const first = await k.client.executeStart(ONE_CELL);
  await k.client.waitForIopub(
    (m) =>
      m.header.msg_type === 'update_display_data' &&
      (m.parent_header as { msg_id?: string }).msg_id === first.msgId,
    30_000,
    'a live update',
  );
  k.process.kill('SIGINT');
  await first.done;
  const changed = await k.client.execute(
    "const tc2 = createTrainer(data, { ...opts, outputs: 12, epochs: 1, rule: 'device' });\nawait trainLive(tc2)",
  );
  const out = changed.outputs
    .filter((m) => m.header.msg_type === 'stream')
    .map((m) => String(m.content.text))
    .join('');
  assert.match(
    out,
    /trainLive: starting fresh, because the configuration changed \(outputs: 10 → 12, presentation: 0.05 → 0.02, epochs: 1000 → 1\); the interrupted run \(stopped at image [\d,]+\) is dropped/,
  );
  assert.match(text(result(changed.outputs)), /^trainLive completed: 400 of 400 images/);
});

test('comms: front-end comm_open on a registered target, messages both ways, comm_info, close; unknown targets are closed', async () => {
  await k.client.execute(
    "import { registerCommTarget } from 'cbram-lab/kernel';\nregisterCommTarget('echo', (comm, open) => {\n  comm.send({ opened: open.data });\n  comm.onMsg((m) => comm.send({ echo: m.data }));\n});",
  );
  const c = k.client;
  const waitComm = (type: string, pred: (m: Message) => boolean) =>
    c.waitForIopub((m) => m.header.msg_type === type && pred(m), 10_000, type);
  await c.sendFrames(
    'shell',
    encode(
      c.message('comm_open', { comm_id: 'c-1', target_name: 'echo', data: { a: 1 } }),
      createSigner(k.connection.key),
    ),
  );
  const opened = await waitComm('comm_msg', (m) => m.content.comm_id === 'c-1');
  assert.deepEqual(opened.content.data, { opened: { a: 1 } });
  await c.sendFrames(
    'shell',
    encode(c.message('comm_msg', { comm_id: 'c-1', data: 'ping' }), createSigner(k.connection.key)),
  );
  const echo = await waitComm(
    'comm_msg',
    (m) => m.content.comm_id === 'c-1' && (m.content.data as { echo?: unknown }).echo === 'ping',
  );
  assert.ok(echo);
  const info = await (await c.send('shell', 'comm_info_request', { target_name: 'echo' })).reply;
  assert.equal(info.header.msg_type, 'comm_info_reply');
  assert.deepEqual(info.content.comms, { 'c-1': { target_name: 'echo' } });
  await c.sendFrames(
    'shell',
    encode(c.message('comm_close', { comm_id: 'c-1', data: {} }), createSigner(k.connection.key)),
  );
  await c.sendFrames(
    'shell',
    encode(
      c.message('comm_open', { comm_id: 'c-2', target_name: 'nobody', data: {} }),
      createSigner(k.connection.key),
    ),
  );
  await waitComm('comm_close', (m) => m.content.comm_id === 'c-2');
  const none = await (await c.send('shell', 'comm_info_request', {})).reply;
  assert.deepEqual(none.content.comms, {});
});

test('input() asks the front end on the stdin channel', async () => {
  k.client.onInput((prompt) => (prompt === 'name? ' ? 'forty-two' : 'wrong prompt'));
  const e = await k.client.execute(
    "import { input } from 'cbram-lab/kernel';\nawait input('name? ')",
    { allowStdin: true },
  );
  assert.equal(text(result(e.outputs)), "'forty-two'");
  const refused = await k.client.execute("await input('x')", { allowStdin: false });
  assert.match(String(refused.reply.content.evalue), /allow_stdin is false/);
});

test('complete, inspect, is_complete and history (positions in code points)', async () => {
  const c = k.client;
  const code = "const smile = '😀'; Math.ab";
  const comp = (
    await (
      await c.send('shell', 'complete_request', { code, cursor_pos: [...code].length })
    ).reply
  ).content;
  assert.deepEqual(comp.matches, ['abs']);
  assert.equal(comp.cursor_start, [...code].length - 2);
  assert.equal(comp.cursor_end, [...code].length);
  const insp = (
    await (
      await c.send('shell', 'inspect_request', { code: 'Math.abs', cursor_pos: 8, detail_level: 0 })
    ).reply
  ).content;
  assert.equal(insp.found, true);
  assert.match(
    String((insp.data as Record<string, unknown>)['text/plain']),
    /abs\(x: number\): number/,
  );
  // Inside a call's parentheses: the called function's signature and doc (signature help).
  const inside = async (code: string) => {
    const r = (
      await (
        await c.send('shell', 'inspect_request', {
          code,
          cursor_pos: [...code].length,
          detail_level: 0,
        })
      ).reply
    ).content;
    assert.equal(r.found, true, `${code}: ${JSON.stringify(r)}`);
    return String((r.data as Record<string, unknown>)['text/plain']);
  };
  const prefix = "import { createCrossbar } from 'cbram-lab';\n";
  for (const code of [
    'createCrossbar(',
    'createCrossbar({ rows: 4, ',
    'const x = createCrossbar({ rows: 4, cols: 3 }',
  ])
    assert.match(
      await inside(prefix + code),
      /createCrossbar\(options: CrossbarOptions\): Crossbar[\s\S]*A crossbar of/,
      code,
    );
  assert.match(await inside('Math.max(1, '), /max\(\.\.\.values: number\[\]\): number/);
  const inc = (
    await (
      await c.send('shell', 'is_complete_request', { code: 'function f() {' })
    ).reply
  ).content;
  assert.deepEqual(inc, { status: 'incomplete', indent: '  ' });
  const done = (await (await c.send('shell', 'is_complete_request', { code: '1 + 1' })).reply)
    .content;
  assert.deepEqual(done, { status: 'complete' });
  const hist = (
    await (
      await c.send('shell', 'history_request', {
        hist_access_type: 'tail',
        n: 1,
        output: true,
        raw: true,
      })
    ).reply
  ).content;
  const last = (hist.history as unknown[][])[0]!;
  assert.deepEqual(last[2], ["await input('x')", null]); // [input, output]: it failed, no output
  const ue = await c.execute('const answer = 42;', {
    userExpressions: { double: 'answer * 2', bad: 'nope()' },
  });
  const ues = ue.reply.content.user_expressions as Record<string, Record<string, unknown>>;
  assert.deepEqual(ues.double, { status: 'ok', data: { 'text/plain': '84' }, metadata: {} });
  assert.equal(ues.bad!.status, 'error');
  assert.equal(ues.bad!.ename, 'CompileError');
  const silent = await c.execute('answer + 1', { silent: true });
  assert.deepEqual(types(silent.outputs), []); // no execute_input, no result
  const unknown = (await (await c.send('shell', 'frobnicate_request')).reply).content;
  assert.equal(unknown.status, 'error');
  assert.equal(unknown.ename, 'UnknownMessageType');
});

test('shutdown_request: the kernel replies and exits with code 0', async () => {
  const exited = new Promise<number | null>((resolve) =>
    k.process.once('exit', (code) => resolve(code)),
  );
  const r = await (await k.client.send('control', 'shutdown_request', { restart: false })).reply;
  assert.deepEqual(r.content, { status: 'ok', restart: false });
  assert.equal(await exited, 0);
});
