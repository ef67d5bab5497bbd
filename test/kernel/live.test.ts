import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setHost, type DisplayContent, type KernelHost } from '../../kernel/host';
import { live } from '../../kernel/notebook';
import { Throttle, type Clock } from '../../kernel/throttle';

/** A clock the test advances by hand; timers fire in time order. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout(h) {
      timers = timers.filter((t) => t.id !== h);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const t = timers[0];
        if (!t || t.at > end) break;
        timers.shift();
        now = t.at;
        t.fn();
      }
      now = end;
    },
  };
}

test('throttle: the first request goes at once, the rest at most once per interval, the last always', () => {
  const clock = fakeClock();
  const sent: number[] = [];
  let state = 0;
  const t = new Throttle(() => sent.push(state), 100, clock);
  for (let i = 1; i <= 1000; i++) {
    state = i;
    t.request();
    clock.advance(1); // 1,000 updates over one second
  }
  clock.advance(200);
  assert.ok(sent.length <= 11, `sent ${sent.length}`);
  assert.ok(sent.length >= 10, `sent ${sent.length}`);
  assert.equal(sent[0], 1);
  assert.equal(sent[sent.length - 1], 1000);
  for (let k = 1; k < sent.length; k++) assert.ok(sent[k]! > sent[k - 1]!);
});

test('throttle: a busy event loop (no timers firing) still sends once per interval; flush sends the rest', () => {
  const clock = fakeClock();
  let n = 0;
  const t = new Throttle(() => n++, 100, clock);
  let now = 0;
  const busy: Clock = {
    ...clock,
    now: () => now,
    setTimeout: () => 0,
    clearTimeout: () => undefined,
  };
  const b = new Throttle(() => n++, 100, busy);
  for (let i = 0; i < 1000; i++) {
    now = i; // timers never fire, as in a synchronous loop
    b.request();
  }
  assert.equal(n, 10); // at 0, 100, …, 900
  assert.ok(b.pending);
  b.flush();
  assert.equal(n, 11);
  assert.equal(b.pending, false);
  t.request();
  t.cancel();
  assert.equal(t.pending, false);
});

test('live(): one display id, updates throttled to maxRate, last state delivered on flush, fallback refreshed', () => {
  const clock = fakeClock();
  const messages: { content: DisplayContent; update: boolean }[] = [];
  let untracked = false;
  const host: KernelHost = {
    version: 1,
    outputParent: () => 'cell-1',
    publishDisplay: (content, update) => messages.push({ content, update }),
    clearOutput: () => undefined,
    interruptSignal: () => new AbortController().signal,
    trackLive: () => () => (untracked = true),
    registerCommTarget: () => undefined,
    openComm: () => {
      throw new Error('no comms');
    },
    input: async () => '',
  };
  setHost(host);
  try {
    const renders: boolean[] = [];
    const view = live(
      { i: 0 },
      {
        clock,
        maxRate: 10,
        fallbackInterval: 500,
        renderer: (v, fallback) => {
          renders.push(fallback);
          const i = (v as { i: number }).i;
          return {
            data: {
              'text/plain': `i=${i}`,
              'application/vnd.test+json': { i },
              ...(fallback ? { 'image/svg+xml': `<svg>${i}</svg>` } : {}),
            },
            metadata: {},
          };
        },
      },
    );
    for (let i = 1; i <= 1000; i++) {
      view.update({ i });
      clock.advance(1);
    }
    view.flush();
    const ids = new Set(messages.map((m) => m.content.transient?.display_id));
    assert.equal(ids.size, 1);
    assert.equal(messages[0]!.update, false);
    assert.ok(messages.slice(1).every((m) => m.update));
    assert.ok(messages.length <= 12, `${messages.length} messages for 1,000 updates in 1 s`);
    const last = messages[messages.length - 1]!.content.data;
    assert.deepEqual(last['application/vnd.test+json'], { i: 1000 });
    assert.equal(last['image/svg+xml'], '<svg>1000</svg>'); // final update: fresh fallback
    // Between refreshes the previous fallback rides along, so every message has one.
    assert.ok(messages.every((m) => typeof m.content.data['image/svg+xml'] === 'string'));
    assert.ok(
      renders.filter((f) => f).length <= 4,
      `fallbacks rendered ${renders.filter((f) => f).length} times`,
    );
    assert.equal(renders.length, messages.length); // skipped updates are never rendered
    view.close();
    assert.ok(untracked);
    assert.throws(() => view.update({ i: 1 }), /update after close/);
  } finally {
    setHost(null);
  }
});
