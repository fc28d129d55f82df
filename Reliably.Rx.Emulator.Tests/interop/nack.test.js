'use strict';
// An injected NACK rejects publish() with the injected error; later publishes succeed.
const h = require('./harness');

h.run(async ({ useBinaryProtocol }) => {
  const client = h.realtime({ useBinaryProtocol });
  try {
    await h.connectionState(client, 'connected');
    const channel = client.channels.get(h.unique('nack'));
    await h.control(`faults/nack?count=1&code=50010&statusCode=500&message=injected&connectionId=${client.connection.id}`);
    try {
      await channel.publish('x', 'y');
      throw new Error('publish should have been rejected');
    } catch (e) {
      h.assertEqual([e.code, e.statusCode], [50010, 500], 'NACK error');
    }

    await channel.publish('x', 'ok');

    // Capability denial from the server is a NACK too.
    await h.control('faults/reset');
    const restricted = await fetch(h.base + '/apps', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ keys: [{ capability: '{"ro:*":["subscribe"]}' }] }),
    }).then((r) => r.json());
    const limited = h.realtime({ useBinaryProtocol, key: restricted.keys[0].keyStr });
    try {
      await h.connectionState(limited, 'connected');
      try {
        await limited.channels.get('ro:x').publish('x', 'y');
        throw new Error('publish should have been denied');
      } catch (e) {
        h.assertEqual(e.code, 40160, 'capability NACK');
      }
      try {
        await limited.channels.get('other').attach();
        throw new Error('attach should have failed');
      } catch (e) {
        h.assertEqual(e.code, 40160, 'capability attach error');
      }
    } finally {
      limited.close();
    }
  } finally {
    client.close();
  }
});
