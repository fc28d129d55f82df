'use strict';
// delta=vcdiff (RTL18–RTL20): after the first message, every string, JSON and binary payload arrives as a VCDIFF delta
// that ably-js's own decoder applies; a client-side decode failure recovers by re-attaching and gets a full message.
const h = require('./harness');
const vcdiff = require('@ably/vcdiff-decoder');

h.run(async ({ useBinaryProtocol }) => {
  const decoder = { calls: 0, decode(delta, base) { this.calls++; return vcdiff.decode(delta, base); } };
  const subscriber = h.realtime({ useBinaryProtocol, plugins: { vcdiff: decoder } });
  const publisher = h.realtime({ useBinaryProtocol: !useBinaryProtocol });
  try {
    await Promise.all([h.connectionState(subscriber, 'connected'), h.connectionState(publisher, 'connected')]);
    const name = h.unique('delta');
    const channel = subscriber.channels.get(name, { params: { delta: 'vcdiff' } });
    await channel.attach();
    h.assertEqual(channel.params, { delta: 'vcdiff' }, 'delta param granted');

    const payloads = [
      { foo: 'bar', count: 1, status: 'active' },
      { foo: 'bar', count: 2, status: 'active' },
      'a plain string payload',
      'a plain string payload, longer',
      Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]),
      Buffer.from([1, 2, 3, 4, 9, 6, 7, 8]),
      { foo: 'bar', count: 3, status: 'inactive' },
    ];
    const received = [];
    const all = h.waitFor((cb) => channel.subscribe((m) => { received.push(m); cb(received.length); }), (n) => n === payloads.length, 'all messages');
    for (let i = 0; i < payloads.length; i++) {
      await publisher.channels.get(name).publish(String(i), payloads[i]);
    }

    await all;
    for (let i = 0; i < payloads.length; i++) {
      const expected = Buffer.isBuffer(payloads[i]) ? [...payloads[i]] : payloads[i];
      const actual = Buffer.isBuffer(received[i].data) ? [...received[i].data] : received[i].data;
      h.assertEqual(actual, expected, 'payload ' + i);
    }

    h.assertEqual(decoder.calls, payloads.length - 1, 'every message after the first is a delta');

    // Simulated loss of the base payload: the next delta fails, the channel re-attaches, and delivery carries on.
    channel._lastPayload.messageId = null;
    const reattached = h.waitFor((cb) => channel.once('attaching', cb), null, 'recovery re-attach');
    const after = h.waitFor((cb) => channel.subscribe('after', cb), null, 'message after recovery');
    await publisher.channels.get(name).publish('after', { foo: 'bar', count: 4 });
    const change = await reattached;
    h.assertEqual(change.reason && change.reason.code, 40018, 'recovery reason');
    h.assertEqual((await after).data, { foo: 'bar', count: 4 }, 'message after recovery');
  } finally {
    subscriber.close();
    publisher.close();
  }
});
