'use strict';
// Server-initiated events as ably-js sees them: DETACHED (RTL13 re-attach), channel ERROR (RTL14 failed),
// DISCONNECTED (RTN15h resume), server AUTH (RTN22 re-auth), token expiry (40142 renew + resume), REST 5xx.
const h = require('./harness');

h.run(async ({ useBinaryProtocol }) => {
  const signer = h.rest({ useBinaryProtocol });
  let tokens = 0;
  const client = new h.Ably.Realtime({
    endpoint: '127.0.0.1', port: h.port, tls: false, useBinaryProtocol, logLevel: 0, clientId: 'faulty',
    authCallback: (params, cb) => {
      tokens++;
      signer.auth.createTokenRequest({ clientId: 'faulty' }).then((tr) => cb(null, tr), (e) => cb(e, null));
    },
  });
  try {
    await h.connectionState(client, 'connected');
    const id = client.connection.id;
    const name = h.unique('faults');
    const channel = client.channels.get(name);
    await channel.attach();

    // RTL13: an unsolicited DETACHED makes the client re-attach by itself.
    const reattached = h.waitFor((cb) => channel.on('attached', cb), null, 're-attach after server DETACHED');
    await h.control(`connections/${id}/channels/${encodeURIComponent(name)}/detach?code=90198&statusCode=500`);
    await reattached;

    // RTN15h: DISCONNECTED with a non-token error → immediate resume of the same connection.
    const disconnected = h.waitFor((cb) => client.connection.once('disconnected', cb), null, 'disconnected');
    await h.control(`connections/${id}/disconnect?code=80003&statusCode=503`);
    h.assertEqual((await disconnected).reason.code, 80003, 'DISCONNECTED reason');
    await h.connectionState(client, 'connected');
    h.assertEqual(client.connection.id, id, 'resumed after DISCONNECTED');

    // RTN22: server AUTH → the client fetches a token and sends AUTH; the connection stays (UPDATE event).
    const before = tokens;
    const updated = h.waitFor((cb) => client.connection.on('update', cb), null, 'update after re-auth');
    await h.control(`connections/${id}/auth`);
    await updated;
    h.assert(tokens > before, 'authCallback called for server AUTH');
    h.assertEqual(client.connection.id, id, 'same connection after re-auth');

    // Token expiry: DISCONNECTED 40142 → renew → resume.
    const renewed = tokens;
    const expired = h.waitFor((cb) => client.connection.once('disconnected', cb), null, 'disconnected on expiry');
    await h.control(`connections/${id}/expire-token`);
    h.assertEqual((await expired).reason.code, 40142, 'token expired reason');
    await h.connectionState(client, 'connected');
    h.assert(tokens > renewed, 'token renewed after expiry');
    h.assertEqual(client.connection.id, id, 'resumed after token renewal');

    // RTL14: channel ERROR → FAILED.
    const failed = h.waitFor((cb) => channel.on('failed', cb), null, 'channel failed');
    await h.control(`connections/${id}/channels/${encodeURIComponent(name)}/error?code=40160&statusCode=401`);
    h.assertEqual((await failed).reason.code, 40160, 'channel failure reason');

    // REST 5xx surfaces as an error (no fallback hosts for a literal endpoint).
    await h.control('faults/rest-error?status=503&count=1&path=/channels');
    try {
      await signer.channels.get(name).history();
      throw new Error('expected a 503');
    } catch (e) {
      h.assertEqual(e.statusCode, 503, 'injected 503');
    }
  } finally {
    client.close();
  }
});
