'use strict';
// Preloaded into the ably-js suite's node process only (NODE_OPTIONS=--require): TLS connections to Ably's public
// test-support hosts (echo.ably.io, internet-up.ably-realtime.com) go to a local Reliably.Rx.Emulator started with
// --tls instead, which serves the same routes. The emulator's self-signed certificate is trusted for those
// connections alone, pinned by its SHA-256 fingerprint; nothing else in the process and nothing on the machine
// (hosts file, certificate store, DNS) changes.
//
//   RELIABLY_ECHO_PORT   port of the TLS emulator on 127.0.0.1 (required)
//   RELIABLY_ECHO_CERT   PEM file holding that emulator's certificate (required)
//   RELIABLY_ECHO_HOSTS  comma-separated host names to redirect (default: echo.ably.io,internet-up.ably-realtime.com)
//   RELIABLY_TRUST_PORT  optional: also trust the same certificate for TLS connections to 127.0.0.1 on this port (an
//                        emulator under test started with --tls, whose certificate names 127.0.0.1)
const crypto = require('crypto');
const fs = require('fs');
const tls = require('tls');

const port = Number(process.env.RELIABLY_ECHO_PORT);
const certificate = fs.readFileSync(process.env.RELIABLY_ECHO_CERT, 'utf8');
const fingerprint = new crypto.X509Certificate(certificate).fingerprint256;
const hosts = new Set(
  (process.env.RELIABLY_ECHO_HOSTS || 'echo.ably.io,internet-up.ably-realtime.com')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean),
);

if (!(port > 0)) {
  throw new Error('echo-redirect: RELIABLY_ECHO_PORT must be the port of the TLS emulator');
}

const trustedPort = Number(process.env.RELIABLY_TRUST_PORT) || 0;
const connect = tls.connect;

function redirected(options) {
  const host = String(options.servername || options.host || '').toLowerCase();
  if (trustedPort && Number(options.port) === trustedPort && (options.host === '127.0.0.1' || host === '127.0.0.1')) {
    // The emulator under test: its own certificate, checked as usual (it names 127.0.0.1).
    return Object.assign({}, options, { ca: certificate });
  }

  if (!hosts.has(host)) {
    return null;
  }

  return Object.assign({}, options, {
    host: '127.0.0.1',
    port,
    servername: host,
    ca: certificate,
    checkServerIdentity: (_name, cert) =>
      cert.fingerprint256 === fingerprint
        ? undefined
        : new Error('echo-redirect: ' + host + ' answered with a certificate that is not the emulator\'s'),
  });
}

// https.Agent and the ws library both open TLS sockets through tls.connect(options[, callback]).
tls.connect = function (...args) {
  if (args.length > 0 && args[0] !== null && typeof args[0] === 'object') {
    const options = redirected(args[0]);
    if (options) {
      return connect.call(this, options, ...args.slice(1));
    }
  }

  return connect.apply(this, args);
};
