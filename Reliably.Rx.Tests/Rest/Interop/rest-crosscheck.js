'use strict';
// Cross-check with the official ably-js REST client (run by AblyJsCrossCheckTests):
// 1. read what Reliably.Rx published on READ_CHANNEL and check string, JSON, binary and encrypted data;
// 2. publish the same kinds of data on WRITE_CHANNEL for Reliably.Rx to read back.
// Exits 0 on success; prints the failed check and exits 1 otherwise.
const Ably = require('ably');

const port = Number(process.env.EMULATOR_PORT);
const key = process.env.EMULATOR_KEY;
const useBinaryProtocol = process.env.USE_BINARY === 'true';
const readChannel = process.env.READ_CHANNEL;
const writeChannel = process.env.WRITE_CHANNEL;
const cipherKey = process.env.CIPHER_KEY;

function check(condition, what) {
  if (!condition) throw new Error('check failed: ' + what);
}

function bytes(data) {
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
}

async function main() {
  const rest = new Ably.Rest({ key, endpoint: '127.0.0.1', port, tls: false, useBinaryProtocol, logLevel: 0 });

  const plain = await rest.channels.get(readChannel).history({ direction: 'forwards' });
  const byName = Object.fromEntries(plain.items.map((m) => [m.name, m]));
  check(byName.text && byName.text.data === 'from dotnet é', 'string from .NET');
  check(JSON.stringify(byName.json && byName.json.data) === JSON.stringify({ a: 1, list: ['x', 'y'], nested: { ok: true } }), 'JSON from .NET');
  check(byName.binary && bytes(byName.binary.data).equals(Buffer.from([0, 1, 2, 255])), 'binary from .NET');
  check(/^[A-Za-z0-9_-]{12,}:0$/.test(byName.text.id), 'idempotent id from .NET: ' + byName.text.id);

  const encrypted = await rest.channels.get(readChannel + '-enc', { cipher: { key: cipherKey } }).history();
  check(encrypted.items.length === 1 && encrypted.items[0].data === 'secret from dotnet', 'decrypted string from .NET');

  await rest.channels.get(writeChannel).publish([
    { name: 'text', data: 'from ably-js é' },
    { name: 'json', data: { b: 2, list: [1, 2], nested: { ok: false } } },
    { name: 'binary', data: Buffer.from([9, 8, 7, 0]) },
  ]);
  await rest.channels.get(writeChannel + '-enc', { cipher: { key: cipherKey } }).publish('enc', 'secret from ably-js');
  console.log('ok');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(1);
  },
);
