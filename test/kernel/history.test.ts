import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommManager } from '../../kernel/comms';
import { History, globToRegExp } from '../../kernel/history';

test('history: tail, range (stop exclusive) and glob search with unique and n', () => {
  const h = new History(7);
  ['6 * 7', 'x + 1', '6 * 7', 'let y = 2', '6 * 7'].forEach((code, i) => h.add(i + 1, code));
  h.setOutput(5, '42');
  assert.deepEqual(h.query({ hist_access_type: 'tail', n: 2, output: false }), [
    [7, 4, 'let y = 2'],
    [7, 5, '6 * 7'],
  ]);
  assert.deepEqual(h.query({ hist_access_type: 'tail', n: 1, output: true }), [
    [7, 5, ['6 * 7', '42']],
  ]);
  assert.deepEqual(h.query({ hist_access_type: 'range', session: 7, start: 2, stop: 3 }), [
    [7, 2, 'x + 1'],
  ]);
  assert.deepEqual(h.query({ hist_access_type: 'range', session: 3, start: 2, stop: 3 }), []);
  assert.equal(h.query({ hist_access_type: 'search', pattern: '6 ? 7' }).length, 3);
  assert.deepEqual(h.query({ hist_access_type: 'search', pattern: '6 ? 7', unique: true }), [
    [7, 5, '6 * 7'],
  ]);
  assert.equal(h.query({ hist_access_type: 'search', pattern: '*', n: 2 }).length, 2);
  assert.ok(globToRegExp('a.b*').test('a.bcd'));
  assert.ok(!globToRegExp('a.b').test('axb'));
});

test('comms: open from either side, route messages, close, and refuse unknown targets', () => {
  const published: [string, Record<string, unknown>][] = [];
  const m = new CommManager((type, content) => published.push([type, content]));
  const got: unknown[] = [];
  m.registerTarget('echo', (comm, open) => {
    got.push(open.data);
    comm.onMsg((msg) => comm.send({ echo: msg.data }));
  });
  const meta = { metadata: {}, buffers: [] };
  m.handleOpen({ comm_id: 'c1', target_name: 'echo', data: { hello: 1 } }, meta);
  assert.deepEqual(got, [{ hello: 1 }]);
  assert.deepEqual(m.info(), { c1: { target_name: 'echo' } });
  assert.ok(m.handleMsg({ comm_id: 'c1', data: 'ping' }, meta));
  assert.deepEqual(published.pop(), ['comm_msg', { comm_id: 'c1', data: { echo: 'ping' } }]);
  m.handleOpen({ comm_id: 'c2', target_name: 'nobody' }, meta);
  assert.deepEqual(published.pop(), ['comm_close', { comm_id: 'c2', data: {} }]);
  let closed = false;
  const k = m.open('front', { a: 1 });
  k.onClose(() => (closed = true));
  assert.equal(published.pop()![0], 'comm_open');
  assert.deepEqual(m.info('front'), { [k.id]: { target_name: 'front' } });
  m.handleClose({ comm_id: k.id }, meta);
  assert.ok(closed && k.closed);
  m.handleClose({ comm_id: 'c1' }, meta);
  assert.deepEqual(m.info(), {});
  assert.equal(m.handleMsg({ comm_id: 'c1' }, meta), false);
});
