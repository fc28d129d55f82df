'use strict';
// Token auth over plain ws/http: useTokenAuth (signed TokenRequest to /keys/.../requestToken) and authCallback.
const h = require('./harness');

h.run(async ({ useBinaryProtocol }) => {
  const viaKey = h.realtime({ useBinaryProtocol, useTokenAuth: true, clientId: 'tok-client' });
  const signer = h.rest({ useBinaryProtocol });
  const viaCallback = new h.Ably.Realtime({
    endpoint: '127.0.0.1', port: h.port, tls: false, useBinaryProtocol, logLevel: 0,
    authCallback: (params, cb) => {
      signer.auth.createTokenRequest({ clientId: 'cb-client', ttl: 60000 }).then((tr) => cb(null, tr), (e) => cb(e, null));
    },
  });
  try {
    await Promise.all([h.connectionState(viaKey, 'connected'), h.connectionState(viaCallback, 'connected')]);
    h.assertEqual(viaKey.auth.clientId, 'tok-client', 'token clientId');
    h.assertEqual(viaCallback.auth.clientId, 'cb-client', 'authCallback clientId');

    const name = h.unique('tok');
    const sub = viaCallback.channels.get(name);
    await sub.attach();
    const got = h.waitFor((cb) => sub.subscribe(cb), null, 'message via token connection');
    await viaKey.channels.get(name).publish('n', 'd');
    const m = await got;
    h.assertEqual(m.clientId, 'tok-client', 'clientId from token');

    // REST with a token (Bearer base64(token)).
    const tokenRest = h.rest({ useBinaryProtocol, useTokenAuth: true });
    await tokenRest.channels.get(name).publish('rest', 'x');
    const page = await tokenRest.channels.get(name).history({ limit: 10 });
    h.assert(page.items.some((i) => i.name === 'rest'), 'REST publish with token visible in history');

    // Explicit requestToken and authorize() on a live connection (in-band AUTH, RTC8).
    const details = await signer.auth.requestToken({ clientId: 'tok-client', ttl: 30000 });
    h.assert(details.token && !details.token.includes(':'), 'token string');
    h.assertEqual(details.expires - details.issued, 30000, 'ttl honoured');
    const idBefore = viaKey.connection.id;
    await viaKey.auth.authorize({ clientId: 'tok-client' });
    h.assertEqual(viaKey.connection.id, idBefore, 'authorize keeps the connection');
    h.assertEqual(viaKey.connection.state, 'connected', 'still connected after authorize');
  } finally {
    viaKey.close();
    viaCallback.close();
  }
});
