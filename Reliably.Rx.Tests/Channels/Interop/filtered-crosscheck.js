'use strict';
// Subscription filter cross-check with the official ably-js client (run by FilteredSubscriptionAblyJsCrossCheckTests):
// ably-js attaches channels.getDerived(CHANNEL, { filter: FILTER }), prints its name and "attached", then prints the
// data of every message the derived channel receives, one "got <data>" line each, until EXPECTED of them arrived.
const Ably = require('ably');

const port = Number(process.env.EMULATOR_PORT);
const key = process.env.EMULATOR_KEY;
const useBinaryProtocol = process.env.USE_BINARY === 'true';
const expected = Number(process.env.EXPECTED);

async function main() {
  const client = new Ably.Realtime({ key, endpoint: '127.0.0.1', port, tls: false, useBinaryProtocol });
  const timer = setTimeout(() => { console.error('timed out'); process.exit(1); }, 40000);
  try {
    const channel = client.channels.getDerived(process.env.CHANNEL, { filter: process.env.FILTER });
    let count = 0;
    const all = new Promise((resolve) => {
      channel.subscribe((m) => {
        console.log('got ' + m.data);
        if (++count === expected) resolve();
      });
    });
    await channel.attach();
    console.log('name ' + channel.name);
    console.log('attached');
    await all;
  } finally {
    clearTimeout(timer);
    client.close();
  }
}

main().then(() => process.exit(0), (err) => { console.error(err && err.stack || err); process.exit(1); });
