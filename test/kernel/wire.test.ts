import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConnection, endpoint } from '../../kernel/protocol/connection';
import { createMessage } from '../../kernel/protocol/messages';
import { DELIMITER, ReplayGuard, createSigner, decode, encode } from '../../kernel/protocol/wire';

const me = { session: 's', username: 'u' };

test('encode then decode gives the message back, signed with HMAC-SHA256 over the four JSON frames', () => {
  const signer = createSigner('secret');
  const msg = createMessage(me, 'execute_request', { code: '1 + 1', x: NaN }, null);
  msg.identities = [Buffer.from('id-1')];
  const frames = encode(msg, signer);
  assert.equal(frames[0]!.toString(), 'id-1');
  assert.ok(frames[1]!.equals(DELIMITER));
  assert.match(frames[2]!.toString(), /^[0-9a-f]{64}$/);
  const d = decode(frames, signer, new ReplayGuard());
  assert.ok(d.ok);
  assert.equal(d.message.header.msg_type, 'execute_request');
  assert.deepEqual(d.message.content, { code: '1 + 1', x: null }); // JSON has no NaN
  assert.equal(d.message.identities[0]!.toString(), 'id-1');
});

test('decode rejects a wrong, missing or replayed signature before parsing, and malformed frames', () => {
  const signer = createSigner('secret');
  const guard = new ReplayGuard();
  const frames = encode(createMessage(me, 'kernel_info_request', {}, null), signer);
  const wrongKey = encode(
    createMessage(me, 'kernel_info_request', {}, null),
    createSigner('other'),
  );
  assert.deepEqual(decode(wrongKey, signer, guard), { ok: false, reason: 'bad signature' });
  const tampered = frames.slice();
  tampered[5] = Buffer.from('{"code":"evil"}'); // content changed after signing
  assert.deepEqual(decode(tampered, signer, guard), { ok: false, reason: 'bad signature' });
  const unsigned = frames.slice();
  unsigned[1] = Buffer.from('');
  assert.deepEqual(decode(unsigned, signer, guard), { ok: false, reason: 'missing signature' });
  const truncated = frames.slice();
  truncated[1] = Buffer.from('abc');
  assert.deepEqual(decode(truncated, signer, guard), { ok: false, reason: 'bad signature' });
  assert.deepEqual(decode(frames.slice(1), signer, guard), { ok: false, reason: 'no delimiter' });
  assert.deepEqual(decode(frames.slice(0, 4), signer, guard), {
    ok: false,
    reason: 'too few frames',
  });
  assert.equal(decode(frames, signer, guard).ok, true);
  assert.deepEqual(decode(frames, signer, guard), { ok: false, reason: 'replayed signature' });
});

test('an empty key turns signing off, as in Jupyter', () => {
  const off = createSigner('');
  assert.equal(off.enabled, false);
  const frames = encode(createMessage(me, 'kernel_info_request', {}, null), off);
  assert.equal(frames[1]!.toString(), '');
  assert.equal(decode(frames, off).ok, true);
  assert.throws(() => createSigner('k', 'hmac-md5'), /signature_scheme must be "hmac-sha256"/);
});

test('the replay guard forgets the oldest signatures beyond its size', () => {
  const g = new ReplayGuard(2);
  assert.ok(g.admit('a') && g.admit('b') && !g.admit('a'));
  assert.ok(g.admit('c')); // evicts a
  assert.ok(g.admit('a'));
});

test('connection files: fields are checked and endpoints follow the transport', () => {
  const good = {
    transport: 'tcp',
    ip: '127.0.0.1',
    shell_port: 1,
    iopub_port: 2,
    stdin_port: 3,
    control_port: 4,
    hb_port: 5,
    key: 'k',
    signature_scheme: 'hmac-sha256',
  };
  const info = parseConnection(good);
  assert.equal(endpoint(info, info.shell_port), 'tcp://127.0.0.1:1');
  assert.equal(endpoint({ ...info, transport: 'ipc', ip: '/tmp/k' }, 7), 'ipc:///tmp/k-7');
  assert.throws(() => parseConnection({ ...good, hb_port: 0 }), /hb_port must be a port number/);
  assert.throws(() => parseConnection({ ...good, transport: 'udp' }), /transport must be/);
  assert.throws(() => parseConnection({ ...good, signature_scheme: 'hmac-sha1' }), /hmac-sha256/);
  assert.throws(() => parseConnection([]), /JSON object/);
});
