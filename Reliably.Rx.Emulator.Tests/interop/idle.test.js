'use strict';
// WebSocket pings count as activity (node sends heartbeats=false), and the silence fault trips ably-js's idle timer
// (RTN23a), after which the client resumes the same connection. The fixture runs the emulator with maxIdleInterval 2 s.
const h = require('./harness');

h.run(async ({ useBinaryProtocol }) => {
  const client = h.realtime({ useBinaryProtocol, realtimeRequestTimeout: 3000 });
  try {
    await h.connectionState(client, 'connected');
    const id = client.connection.id;
    h.assert(client.connection.connectionManager.connectionDetails.maxIdleInterval === 2000, 'fixture maxIdleInterval');

    // Idle for longer than maxIdleInterval + realtimeRequestTimeout (5 s): only WebSocket pings (every 0.5 s) arrive.
    let dropped = false;
    client.connection.once('disconnected', () => { dropped = true; });
    await new Promise((r) => setTimeout(r, 6000));
    h.assert(!dropped, 'WebSocket pings keep an idle connection alive');

    const disconnected = h.waitFor((cb) => client.connection.once('disconnected', cb), null, 'idle timeout', 15000);
    await h.control(`connections/${id}/silence`);
    const change = await disconnected;
    h.assertEqual(change.reason && change.reason.code, 80003, 'idle timeout reported as 80003');
    await h.connectionState(client, 'connected', 15000);
    h.assertEqual(client.connection.id, id, 'resumed the same connection after the idle timeout');

    // Recover (RTN16): a process that died without CLOSE hands its recovery key to a new client.
    const channelName = h.unique('recover');
    const child = require('child_process').spawnSync(process.execPath, [require('path').join(__dirname, 'recover-child.js'), useBinaryProtocol ? 'msgpack' : 'json', channelName], { env: process.env, encoding: 'utf8', timeout: 20000 });
    h.assertEqual(child.status, 0, 'recover child exit: ' + child.stderr);
    const { id: deadId, recoveryKey } = JSON.parse(child.stdout.trim());
    const recovered = h.realtime({ useBinaryProtocol, recover: recoveryKey });
    try {
      await h.connectionState(recovered, 'connected');
      h.assertEqual(recovered.connection.id, deadId, 'recovered the same connection id');
      h.assert(!recovered.connection.errorReason, 'no recovery error');
      // The recovery key carried the channel's serial, so the attach continues the channel (RESUMED).
      const change = await recovered.channels.get(channelName).attach();
      h.assert(change && change.resumed === true, 'recovered channel attach is resumed: ' + JSON.stringify(change));
    } finally {
      recovered.close();
    }
  } finally {
    client.close();
  }
}, { perProtocol: false });
