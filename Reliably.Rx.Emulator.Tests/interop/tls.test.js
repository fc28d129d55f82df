'use strict';
// TLS with the emulator's self-signed certificate and StrictBasicAuth: key auth over wss/https works.
const h = require('./harness');

const tlsPort = Number(process.env.EMULATOR_TLS_PORT);
const tlsKey = process.env.EMULATOR_TLS_KEY;

h.run(async ({ useBinaryProtocol }) => {
  if (!tlsPort || !tlsKey) throw new Error('EMULATOR_TLS_PORT/EMULATOR_TLS_KEY not set');
  const opts = { key: tlsKey, endpoint: '127.0.0.1', tls: true, tlsPort, useBinaryProtocol, logLevel: 0 };
  const rest = new h.Ably.Rest(opts);
  const time = await rest.time();
  h.assert(time > 0, 'time over https');

  const realtime = new h.Ably.Realtime(opts);
  try {
    await h.connectionState(realtime, 'connected');
    const channel = realtime.channels.get(h.unique('tls'));
    await channel.attach();
    const got = h.waitFor((cb) => channel.subscribe(cb), null, 'message over wss');
    await rest.channels.get(channel.name).publish('secure', 'yes');
    h.assertEqual((await got).data, 'yes', 'REST publish delivered over wss');
  } finally {
    realtime.close();
  }

  // The TLS emulator speaks only TLS: plain HTTP to its port fails.
  let plainFailed = false;
  try {
    await fetch(`http://127.0.0.1:${tlsPort}/time`);
  } catch (e) {
    plainFailed = true;
  }
  h.assert(plainFailed, 'plain http to the TLS port fails');
});
