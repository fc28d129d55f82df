'use strict';
// Key auth over plain ws: connect, attach, publish/receive, cross-talk between two clients, binary data, ping.
const h = require('./harness');

h.run(async ({ useBinaryProtocol }) => {
  const a = h.realtime({ useBinaryProtocol, clientId: 'alice' });
  const b = h.realtime({ useBinaryProtocol: !useBinaryProtocol });
  try {
    await Promise.all([h.connectionState(a, 'connected'), h.connectionState(b, 'connected')]);
    h.assert(a.connection.id && a.connection.key, 'connection id and key set');

    const name = h.unique('basic');
    const chA = a.channels.get(name);
    const chB = b.channels.get(name);
    await chA.attach();
    await chB.attach();
    h.assertEqual(chA.modes.sort(), ['annotation_publish', 'presence', 'presence_subscribe', 'publish', 'subscribe'], 'granted modes');

    const gotByB = h.waitFor((cb) => chB.subscribe('greeting', cb), null, 'greeting at b');
    const echoedToA = h.waitFor((cb) => chA.subscribe('greeting', cb), null, 'greeting echoed to a');
    const result = await chA.publish('greeting', { hello: 'world' });
    h.assert(result && result.serials && result.serials.length === 1, 'publish resolves with serials: ' + JSON.stringify(result));
    const m = await gotByB;
    h.assertEqual(m.data, { hello: 'world' }, 'json data round trip');
    h.assertEqual(m.clientId, 'alice', 'clientId stamped');
    h.assertEqual(m.connectionId, a.connection.id, 'connectionId');
    h.assert(m.id && m.id.startsWith(a.connection.id + ':'), 'message id from connection: ' + m.id);
    h.assert(typeof m.timestamp === 'number', 'timestamp');
    await echoedToA;

    // Cross-talk the other way, with binary data.
    const binAtA = h.waitFor((cb) => chA.subscribe('bin', cb), null, 'binary at a');
    await chB.publish('bin', Buffer.from([1, 2, 3, 0, 255]));
    const bin = await binAtA;
    h.assert(Buffer.isBuffer(bin.data) || bin.data instanceof ArrayBuffer || ArrayBuffer.isView(bin.data), 'binary stays binary');
    h.assertEqual(Array.from(Buffer.from(bin.data)), [1, 2, 3, 0, 255], 'binary bytes');

    const emptyAtA = h.waitFor((cb) => chA.subscribe('empty', cb), null, 'empty binary at a');
    await chB.publish('empty', Buffer.alloc(0));
    const empty = await emptyAtA;
    h.assertEqual(Buffer.from(empty.data).length, 0, 'empty binary');

    const rtt = await a.connection.ping();
    h.assert(typeof rtt === 'number', 'ping resolves with a round-trip time');

    // RTL10b: untilAttach → fromSerial=<attachSerial>; messages published after attach are excluded.
    const untilAttach = await chB.history({ untilAttach: true });
    h.assertEqual(untilAttach.items.length, 0, 'nothing was published before b attached');

    await chA.detach();
    h.assertEqual(chA.state, 'detached', 'detached');
  } finally {
    a.close();
    b.close();
  }
});
