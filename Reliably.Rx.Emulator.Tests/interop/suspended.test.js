'use strict';
// RTN14e: with the network "down" for longer than connectionStateTtl the client goes SUSPENDED; when the network is
// back the resume fails (state expired) and the client carries on with a new connection and error 80008.
// The fixture's EMULATOR_SHORT_TTL_PORT emulator uses connectionStateTtl = 2 s.
const h = require('./harness');

const port = Number(process.env.EMULATOR_SHORT_TTL_PORT);
const key = process.env.EMULATOR_SHORT_TTL_KEY;

async function control(path) {
  const response = await fetch(`http://127.0.0.1:${port}/_emulator/${path}`, { method: 'POST' });
  if (!response.ok) throw new Error(`control ${path}: ${response.status}`);
}

h.run(async ({ useBinaryProtocol }) => {
  if (!port || !key) throw new Error('EMULATOR_SHORT_TTL_PORT/KEY not set');
  const client = new h.Ably.Realtime({
    key, endpoint: '127.0.0.1', port, tls: false, useBinaryProtocol, logLevel: 0,
    disconnectedRetryTimeout: 300, suspendedRetryTimeout: 500,
  });
  try {
    await h.connectionState(client, 'connected');
    const id = client.connection.id;
    h.assertEqual(client.connection.connectionManager.connectionStateTtl, 2000, 'connectionStateTtl from connectionDetails');
    const channel = client.channels.get(h.unique('susp'));
    await channel.attach();

    const suspended = h.connectionState(client, 'suspended', 15000);
    await control('faults/reject-connections');
    await control('connections/drop-all');
    await suspended;
    h.assertEqual(channel.state, 'suspended', 'channels follow the connection into SUSPENDED (RTL3c)');

    const connected = h.waitFor((cb) => client.connection.once('connected', cb), null, 'reconnected', 15000);
    await control('faults/reset');
    const change = await connected;
    h.assert(client.connection.id !== id, 'a new connection after the state expired');
    h.assertEqual(change.reason && change.reason.code, 80008, 'failed resume reason');
    await channel.whenState('attached');
  } finally {
    client.close();
  }
});
