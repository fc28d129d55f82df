'use strict';
// Resume after an injected transport drop loses nothing; a failed resume reports 80008.
const h = require('./harness');

h.run(async ({ useBinaryProtocol }) => {
  const client = h.realtime({ useBinaryProtocol });
  const publisher = h.realtime({ useBinaryProtocol });
  try {
    await Promise.all([h.connectionState(client, 'connected'), h.connectionState(publisher, 'connected')]);
    const name = h.unique('resume');
    const channel = client.channels.get(name);
    const received = [];
    await channel.subscribe((m) => received.push(m.data));
    const pub = publisher.channels.get(name);
    await pub.publish('n', 'n0');

    const id = client.connection.id;
    const disconnected = h.connectionState(client, 'disconnected');
    await h.control(`connections/${id}/drop`);
    await disconnected;
    for (let i = 1; i <= 5; i++) await pub.publish('n', 'n' + i);

    await h.connectionState(client, 'connected');
    h.assertEqual(client.connection.id, id, 'resumed: same connection id');
    h.assert(!client.connection.errorReason || client.connection.errorReason.code !== 80008, 'no resume error');
    const own = client.channels.get(name).publish('mine', 'after-resume');
    await own;
    await pub.publish('n', 'n6');
    const deadline = Date.now() + 10000;
    while (received.filter((d) => d.startsWith('n')).length < 7 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    h.assertEqual(received.filter((d) => d.startsWith('n')), ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6'], 'no message lost or duplicated');

    // Failed resume: forget the connection, then drop it.
    const oldId = client.connection.id;
    const reconnected = h.waitFor((cb) => client.connection.on('connected', cb), null, 'reconnected after failed resume');
    await h.control(`connections/${oldId}/forget?drop=true`);
    const change = await reconnected;
    h.assert(client.connection.id !== oldId, 'new connection id after failed resume');
    h.assertEqual(change.reason && change.reason.code, 80008, 'failed resume reported with 80008');
    await channel.whenState('attached');
    h.assertEqual(channel.state, 'attached', 'channel re-attached');
  } finally {
    client.close();
    publisher.close();
  }
});
