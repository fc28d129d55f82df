'use strict';
// Realtime cross-check with the official ably-js client (run by RealtimeAblyJsCrossCheckTests):
// 1. attach READ_CHANNEL (plain and -enc), print "ready", then check the string, JSON, binary and encrypted
//    messages Reliably.Rx publishes there;
// 2. publish the same kinds of data on WRITE_CHANNEL (plain and -enc) for Reliably.Rx, subscribed, to check.
// Exits 0 on success; prints the failed check and exits 1 otherwise. LOG_LEVEL (optional) turns on ably-js logs on stderr.
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

function collect(channel, count) {
  return new Promise((resolve, reject) => {
    const received = [];
    const timer = setTimeout(() => reject(new Error(`timed out with ${received.length}/${count} messages`)), 20000);
    channel.subscribe((message) => {
      if (process.env.LOG_LEVEL) console.error("received", channel.name, message.name);
      received.push(message);
      if (received.length === count) {
        clearTimeout(timer);
        resolve(received);
      }
    });
  });
}

async function main() {
  const client = new Ably.Realtime({ key, endpoint: '127.0.0.1', port, tls: false, useBinaryProtocol, logLevel: Number(process.env.LOG_LEVEL || 0), logHandler: (line) => console.error(line) });
  const plain = client.channels.get(readChannel);
  const encrypted = client.channels.get(readChannel + '-enc', { cipher: { key: cipherKey } });
  const plainMessages = collect(plain, 3);
  const encryptedMessages = collect(encrypted, 1);
  await plain.attach();
  await encrypted.attach();
  console.log('ready');

  const byName = Object.fromEntries((await plainMessages).map((m) => [m.name, m]));
  check(byName.text && byName.text.data === 'from dotnet é', 'string from .NET');
  check(JSON.stringify(byName.json && byName.json.data) === JSON.stringify({ a: 1, list: ['x', 'y'], nested: { ok: true } }), 'JSON from .NET');
  check(byName.binary && bytes(byName.binary.data).equals(Buffer.from([0, 1, 2, 255])), 'binary from .NET');
  const secret = (await encryptedMessages)[0];
  check(secret.data === 'secret from dotnet', 'decrypted string from .NET');

  await client.channels.get(writeChannel).publish([
    { name: 'text', data: 'from ably-js é' },
    { name: 'json', data: { b: 2, list: [1, 2], nested: { ok: false } } },
    { name: 'binary', data: Buffer.from([9, 8, 7, 0]) },
  ]);
  await client.channels.get(writeChannel + '-enc', { cipher: { key: cipherKey } }).publish('enc', 'secret from ably-js');
  client.close();
  console.log('ok');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(1);
  },
);
